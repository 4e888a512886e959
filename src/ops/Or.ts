// Or (caffe2/operators/elementwise_ops.cc): bool C = A or B over bool tensors, numpy or legacy broadcasting.

import { OR } from '../../kernels/elementwise.js';
import { binaryOp } from './elementwise_util.js';

export default binaryOp('Or', 'logical', OR, 'bool C = A or B over bool tensors, numpy or legacy broadcasting.', 'Logic');
