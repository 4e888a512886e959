// Xor (caffe2/operators/elementwise_ops.cc): bool C = A xor B over bool tensors, numpy or legacy broadcasting.

import { XOR } from '../../kernels/elementwise.js';
import { binaryOp } from './elementwise_util.js';

export default binaryOp('Xor', 'logical', XOR, 'bool C = A xor B over bool tensors, numpy or legacy broadcasting.', 'Logic');
