// And (caffe2/operators/elementwise_ops.cc): bool C = A and B over bool tensors, numpy or legacy broadcasting.

import { AND } from '../../kernels/elementwise.js';
import { binaryOp } from './elementwise_util.js';

export default binaryOp('And', 'logical', AND, 'bool C = A and B over bool tensors, numpy or legacy broadcasting.', 'Logic');
