// Max (caffe2/operators/minmax_ops.h MaxOp): elementwise max of N >= 1 same-shaped float inputs.

import { MAX } from '../../kernels/elementwise.js';
import { nAryOp } from './elementwise_util.js';

export default nAryOp('Max', MAX, ['float32'], 'Elementwise max of N >= 1 float32 inputs of one shape; a NaN operand gives NaN.');
