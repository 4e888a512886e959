// ReduceFrontSum (caffe2/operators/reduce_front_back_*_ops.cc): Sum over the first num_reduce_dim dims.

import { SUM } from '../../kernels/reduce.js';
import { ARITH_DTYPES } from './elementwise_util.js';
import { reduceEndsOp } from './reduce_util.js';

export default reduceEndsOp('ReduceFrontSum', SUM, true, ARITH_DTYPES, 'Sum over the first num_reduce_dim (default 1) dims.');
