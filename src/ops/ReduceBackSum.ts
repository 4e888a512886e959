// ReduceBackSum (caffe2/operators/reduce_front_back_*_ops.cc): Sum over the last num_reduce_dim dims.

import { SUM } from '../../kernels/reduce.js';
import { ARITH_DTYPES } from './elementwise_util.js';
import { reduceEndsOp } from './reduce_util.js';

export default reduceEndsOp('ReduceBackSum', SUM, false, ARITH_DTYPES, 'Sum over the last num_reduce_dim (default 1) dims.');
