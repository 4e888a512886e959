// ReduceBackMean (caffe2/operators/reduce_front_back_*_ops.cc): Mean (sum / count) over the last num_reduce_dim dims.

import { MEAN_DIV } from '../../kernels/reduce.js';
import { reduceEndsOp } from './reduce_util.js';

export default reduceEndsOp('ReduceBackMean', MEAN_DIV, false, ['float32', 'float64'], 'Mean (sum / count) over the last num_reduce_dim (default 1) dims.');
