// Exp (caffe2/operators/exp_op.cc): Y = exp(X), float32.

import { expF32 } from '../../kernels/activation.js';
import { unaryF32Op } from './unary_util.js';

export default unaryF32Op('Exp', expF32, 'Y = exp(X), float32.');
