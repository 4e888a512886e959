// Tan (caffe2/operators/tan_op.cc): Y = tan(X), float32.

import { tanF32 } from '../../kernels/math_unary.js';
import { unaryF32Op } from './unary_util.js';

export default unaryF32Op('Tan', tanF32, 'Y = tan(X), float32.');
