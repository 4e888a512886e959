// Sqrt (caffe2/operators/sqrt_op.cc): Y = sqrt(X), float32 (NaN below 0).

import { sqrtF32 } from '../../kernels/activation.js';
import { unaryF32Op } from './unary_util.js';

export default unaryF32Op('Sqrt', sqrtF32, 'Y = sqrt(X), float32 (NaN below 0).');
