// ArgMax (caffe2/operators/arg_ops.cc): the first index of the maximum along `axis`.

import { argOp } from './arg_util.js';

export default argOp('ArgMax', 'Index (int64) of the first maximum along `axis` (default -1); keepdims default true.');
