// Sum (caffe2/operators/utility_ops.cc SumOp): N >= 1 same-shaped inputs added left to right.

import { ADD } from '../../kernels/elementwise.js';
import { ARITH_DTYPES, nAryOp } from './elementwise_util.js';

export default nAryOp('Sum', ADD, ARITH_DTYPES, 'Elementwise sum of N >= 1 inputs of one shape and dtype (int32, int64, float, double), ((x0 + x1) + x2) + ...');
