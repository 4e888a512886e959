// Softplus (caffe2/operators/softplus_op.cc): Y = log(exp(X) + 1), float32 (computed without
// overflow or cancellation; see kernels/activation.ts).

import { softplusF32 } from '../../kernels/activation.js';
import { unaryF32Op } from './unary_util.js';

export default unaryF32Op('Softplus', softplusF32, 'Y = log(exp(X) + 1) (float32).', 'Activation');
