// ExpandDims (caffe2/operators/expand_squeeze_dims_op.h; ONNX Unsqueeze): a view with a size-1
// dim inserted at each of `dims` (sorted, de-duplicated, >= 0), in ascending order.
// Extension: the dims may come from an optional second input instead (1-D int32/int64, ONNX
// Unsqueeze-13 axes fed at run time); there a negative dim counts from the end of the output.

import { ShapeError, shapeStr } from '../core/errors.js';
import type { ValueInfo } from '../core/tensor.js';
import { dimsInput, dimsViewOp, type DimsParams } from './Squeeze.js';

function expanded(x: readonly number[], dims: readonly number[]): number[] {
  const last = dims[dims.length - 1]!;
  if (x.length + dims.length < last + 1) {
    throw new ShapeError(`input 'data' ${shapeStr(x)} has rank ${x.length}, but dims [${dims.join(', ')}] need rank >= ${last + 1 - dims.length}`);
  }
  const out = x.slice();
  for (const d of dims) out.splice(d, 0, 1);
  return out;
}

function outShape(ins: readonly ValueInfo[], p: DimsParams): number[] {
  const x = ins[0]!.shape;
  if (p.dims) return expanded(x, p.dims);
  const d = dimsInput(ins[1]!, (count) => x.length + count);
  return d.dims ? expanded(x, d.dims) : new Array<number>(x.length + d.count).fill(-1);
}

export default dimsViewOp('ExpandDims', 'A view with size-1 dims inserted at the listed positions (from `dims`, or an optional `dims` input).', 'expanded', outShape);
