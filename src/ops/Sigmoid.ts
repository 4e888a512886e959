// Sigmoid (caffe2/operators/sigmoid_op.cc): Y = 1 / (1 + exp(-X)), float32.

import { sigmoidF32 } from '../../kernels/activation.js';
import { unaryF32Op } from './unary_util.js';

export default unaryF32Op('Sigmoid', sigmoidF32, 'Y = 1 / (1 + exp(-X)), float32.', 'Activation');
