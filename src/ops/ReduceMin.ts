// ReduceMin (caffe2/operators/reduce_ops.{h,cc}, utils/math/reduce.cc).

import { MIN } from '../../kernels/reduce.js';
import { ARITH_DTYPES } from './elementwise_util.js';
import { reduceOp } from './reduce_util.js';

export default reduceOp('ReduceMin', MIN, ARITH_DTYPES, 'Min along `axes` (all when absent), keepdims default true; NaN is skipped; an empty reduction gives the largest finite value.');
