// Erf (caffe2/operators/erf_op.cc): The error function of X, elementwise, float32.

import { erfF32 } from '../../kernels/math_unary.js';
import { unaryF32Op } from './unary_util.js';

export default unaryF32Op('Erf', erfF32, 'The error function of X, elementwise, float32.');
