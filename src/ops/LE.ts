// LE (caffe2/operators/elementwise_ops.cc): bool C = A <= B, numpy or legacy broadcasting; bool, int32, int64, float, double.

import { LE } from '../../kernels/elementwise.js';
import { binaryOp } from './elementwise_util.js';

export default binaryOp('LE', 'compare', LE, 'bool C = A <= B, numpy or legacy broadcasting; bool, int32, int64, float, double.', 'Logic');
