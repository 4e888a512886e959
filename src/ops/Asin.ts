// Asin (caffe2/operators/asin_op.cc): Y = asin(X), float32 (NaN outside [-1, 1]).

import { asinF32 } from '../../kernels/math_unary.js';
import { unaryF32Op } from './unary_util.js';

export default unaryF32Op('Asin', asinF32, 'Y = asin(X), float32 (NaN outside [-1, 1]).');
