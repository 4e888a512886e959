// Mul (caffe2/operators/elementwise_ops_schema.cc): C = A * B, numpy or legacy (broadcast=1, axis) broadcasting; int32 and int64 wrap, float, double.

import { MUL } from '../../kernels/elementwise.js';
import { binaryOp } from './elementwise_util.js';

export default binaryOp('Mul', 'arith', MUL, 'C = A * B, numpy or legacy (broadcast=1, axis) broadcasting; int32 and int64 wrap, float, double.');
