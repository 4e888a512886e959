// Min (caffe2/operators/minmax_ops.h MinOp): elementwise min of N >= 1 same-shaped float inputs.

import { MIN } from '../../kernels/elementwise.js';
import { nAryOp } from './elementwise_util.js';

export default nAryOp('Min', MIN, ['float32'], 'Elementwise min of N >= 1 float32 inputs of one shape; a NaN operand gives NaN.');
