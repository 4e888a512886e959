// Sign (Caffe2 registers Sign with the unary math ops): -1, 0 or 1 by the sign of X (NaN stays NaN), float32.

import { signF32 } from '../../kernels/math_unary.js';
import { unaryF32Op } from './unary_util.js';

export default unaryF32Op('Sign', signF32, '-1, 0 or 1 by the sign of X (NaN stays NaN), float32.');
