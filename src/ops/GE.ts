// GE (caffe2/operators/elementwise_ops.cc): bool C = A >= B, numpy or legacy broadcasting; bool, int32, int64, float, double.

import { GE } from '../../kernels/elementwise.js';
import { binaryOp } from './elementwise_util.js';

export default binaryOp('GE', 'compare', GE, 'bool C = A >= B, numpy or legacy broadcasting; bool, int32, int64, float, double.', 'Logic');
