// Abs (caffe2/operators/abs_op.cc): Y = |X|; Caffe2 registers float only, we also take int32,
// int64 and double.

import { signedOp } from './unary_util.js';

export default signedOp('Abs', 'Y = |X| over int32, int64, float, double.');
