// Negative (caffe2/operators/negative_op.cc): Y = -X over int32, int64, float, double.

import { signedOp } from './unary_util.js';

export default signedOp('Negative', 'Y = -X over int32, int64, float, double (integers wrap).');
