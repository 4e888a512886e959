// Ceil (caffe2/operators/ceil_op.cc): The smallest integer >= X, elementwise, float32.

import { ceilF32 } from '../../kernels/math_unary.js';
import { unaryF32Op } from './unary_util.js';

export default unaryF32Op('Ceil', ceilF32, 'The smallest integer >= X, elementwise, float32.');
