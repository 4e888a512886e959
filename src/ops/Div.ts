// Div (caffe2/operators/elementwise_ops_schema.cc): C = A / B, numpy or legacy (broadcast=1, axis) broadcasting; integer division truncates toward zero.

import { DIV } from '../../kernels/elementwise.js';
import { binaryOp } from './elementwise_util.js';

export default binaryOp('Div', 'arith', DIV, 'C = A / B, numpy or legacy (broadcast=1, axis) broadcasting; integer division truncates toward zero.');
