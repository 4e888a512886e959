// Softsign (caffe2/operators/softsign_op.cc): Y = X / (1 + |X|), float32.

import { softsignF32 } from '../../kernels/activation.js';
import { unaryF32Op } from './unary_util.js';

export default unaryF32Op('Softsign', softsignF32, 'Y = X / (1 + |X|) (float32).', 'Activation');
