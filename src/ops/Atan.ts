// Atan (caffe2/operators/atan_op.cc): Y = atan(X), float32.

import { atanF32 } from '../../kernels/math_unary.js';
import { unaryF32Op } from './unary_util.js';

export default unaryF32Op('Atan', atanF32, 'Y = atan(X), float32.');
