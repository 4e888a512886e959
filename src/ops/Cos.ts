// Cos (caffe2/operators/cos_op.cc): Y = cos(X), float32.

import { cosF32 } from '../../kernels/math_unary.js';
import { unaryF32Op } from './unary_util.js';

export default unaryF32Op('Cos', cosF32, 'Y = cos(X), float32.');
