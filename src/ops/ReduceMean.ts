// ReduceMean (caffe2/operators/reduce_ops.{h,cc}, utils/math/reduce.cc).

import { MEAN } from '../../kernels/reduce.js';
import { reduceOp } from './reduce_util.js';

export default reduceOp('ReduceMean', MEAN, ['float32'], 'Mean along `axes` (all when absent), keepdims default true; float32, the sum scaled by out/in size in float.');
