// Sin (caffe2/operators/sin_op.cc): Y = sin(X), float32.

import { sinF32 } from '../../kernels/math_unary.js';
import { unaryF32Op } from './unary_util.js';

export default unaryF32Op('Sin', sinF32, 'Y = sin(X), float32.');
