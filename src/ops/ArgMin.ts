// ArgMin (caffe2/operators/arg_ops.cc): the first index of the minimum along `axis`.

import { argOp } from './arg_util.js';

export default argOp('ArgMin', 'Index (int64) of the first minimum along `axis` (default -1); keepdims default true.');
