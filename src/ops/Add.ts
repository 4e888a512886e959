// Add (caffe2/operators/elementwise_ops_schema.cc): C = A + B, numpy or legacy (broadcast=1, axis) broadcasting; int32, int64 (exact), float, double.

import { ADD } from '../../kernels/elementwise.js';
import { binaryOp } from './elementwise_util.js';

export default binaryOp('Add', 'arith', ADD, 'C = A + B, numpy or legacy (broadcast=1, axis) broadcasting; int32, int64 (exact), float, double.');
