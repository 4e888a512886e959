// Log (caffe2/operators/log_op.cc): Y = ln(X), float32 (NaN below 0, -inf at 0).

import { logF32 } from '../../kernels/activation.js';
import { unaryF32Op } from './unary_util.js';

export default unaryF32Op('Log', logF32, 'Y = ln(X), float32 (NaN below 0, -inf at 0).');
