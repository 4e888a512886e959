// Acos (caffe2/operators/acos_op.cc): Y = acos(X), float32 (NaN outside [-1, 1]).

import { acosF32 } from '../../kernels/math_unary.js';
import { unaryF32Op } from './unary_util.js';

export default unaryF32Op('Acos', acosF32, 'Y = acos(X), float32 (NaN outside [-1, 1]).');
