// Sub (caffe2/operators/elementwise_ops_schema.cc): C = A - B, numpy or legacy (broadcast=1, axis) broadcasting; int32, int64 (exact), float, double.

import { SUB } from '../../kernels/elementwise.js';
import { binaryOp } from './elementwise_util.js';

export default binaryOp('Sub', 'arith', SUB, 'C = A - B, numpy or legacy (broadcast=1, axis) broadcasting; int32, int64 (exact), float, double.');
