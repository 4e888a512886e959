// ReduceMax (caffe2/operators/reduce_ops.{h,cc}, utils/math/reduce.cc).

import { MAX } from '../../kernels/reduce.js';
import { ARITH_DTYPES } from './elementwise_util.js';
import { reduceOp } from './reduce_util.js';

export default reduceOp('ReduceMax', MAX, ARITH_DTYPES, 'Max along `axes` (all when absent), keepdims default true; NaN is skipped; an empty reduction gives the lowest finite value.');
