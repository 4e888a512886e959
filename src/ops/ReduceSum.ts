// ReduceSum (caffe2/operators/reduce_ops.{h,cc}, utils/math/reduce.cc).

import { SUM } from '../../kernels/reduce.js';
import { ARITH_DTYPES } from './elementwise_util.js';
import { reduceOp } from './reduce_util.js';

export default reduceOp('ReduceSum', SUM, ARITH_DTYPES, 'Sum of the elements along `axes` (all when absent), keeping reduced dims as 1 when keepdims (default); int32, int64, float, double.');
