// FCTransposed (caffe2/operators/fully_connected_op.h, TransposeWeight = false): FC with W stored
// [K, N], N = prod(W.dims[axis_w:]); Y = X₂·W + b. The shape rule and kernel live in FC.ts.

import { fullyConnected } from './FC.js';

export default fullyConnected('FCTransposed', true);
