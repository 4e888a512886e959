// Tanh (caffe2/operators/tanh_op.cc): Y = tanh(X), float32.

import { tanhF32 } from '../../kernels/activation.js';
import { unaryF32Op } from './unary_util.js';

export default unaryF32Op('Tanh', tanhF32, 'Y = tanh(X), float32.', 'Activation');
