// NE (caffe2/operators/elementwise_ops.cc): bool C = A != B, numpy or legacy broadcasting; bool, int32, int64, float, double.

import { NE } from '../../kernels/elementwise.js';
import { binaryOp } from './elementwise_util.js';

export default binaryOp('NE', 'compare', NE, 'bool C = A != B, numpy or legacy broadcasting; bool, int32, int64, float, double.', 'Logic');
