// Squeeze (caffe2/operators/expand_squeeze_dims_op.h): a view without the listed dims, each of
// which must be 1. `dims` is sorted and de-duplicated, each >= 0 (no negative form).
// Extension: the dims may come from an optional second input instead (1-D int32/int64, ONNX
// Squeeze-13 axes fed at run time); there a negative dim counts from the end. While the value
// is unknown the output has the right rank and unknown dims.

import { ArgError, ShapeError, shapeStr } from '../core/errors.js';
import type { Tensor, ValueInfo } from '../core/tensor.js';
import { arg, defineOp } from './schema.js';
import { intValues, requireIndexType, viewAs } from './tensor_util.js';

/** Sorted, de-duplicated, non-negative, non-empty `dims` (shared with ExpandDims). */
export function normalizeDims(dims: readonly number[] | undefined): readonly number[] {
  if (!dims || dims.length === 0) throw new ArgError('must list at least one dim', { arg: 'dims' });
  const s = [...new Set(dims)].sort((a, b) => a - b);
  if (s[0]! < 0) throw new ArgError(`dims must be >= 0, got [${dims.join(', ')}]`, { arg: 'dims' });
  return Object.freeze(s);
}

export interface DimsParams { readonly dims: readonly number[] | undefined }

/** Checks the arg/input choice: exactly one of them (shared with ExpandDims). */
export function normalizeDimsSource(a: { dims: readonly number[] | undefined }, io: { numInputs: number }): DimsParams {
  if (io.numInputs === 2) {
    if (a.dims?.length) throw new ArgError("must not be set when the dims come from input 'dims'", { arg: 'dims' });
    return Object.freeze({ dims: undefined });
  }
  return Object.freeze({ dims: normalizeDims(a.dims) });
}

/**
 * The number of dims the `dims` input lists (its length), and their values made non-negative
 * against `rank` and sorted when known (undefined while planning without a value).
 */
export function dimsInput(info: ValueInfo, rank: (count: number) => number): { count: number; dims?: readonly number[] } {
  requireIndexType(info, 'dims');
  if (info.shape.length > 1) throw new ShapeError(`input 'dims' must be 1-D, got ${shapeStr(info.shape)}`);
  const count = info.shape.length ? info.shape[0]! : 1;
  if (count < 0 && !info.value) throw new ShapeError(`input 'dims' ${shapeStr(info.shape)} needs a known length (it decides the output rank)`);
  if (!info.value) return { count };
  const vals = intValues((info.value as Tensor).reshape([info.value.size]), 'dims');
  const r = rank(vals.length);
  const dims = vals.map((d) => {
    if (d < -r || d >= r) throw new ShapeError(`input 'dims' value ${d} is out of range for rank ${r}`);
    return d < 0 ? d + r : d;
  });
  if (new Set(dims).size !== dims.length) throw new ShapeError(`input 'dims' [${vals.join(', ')}] names a dim twice`);
  return { count: vals.length, dims: Object.freeze(dims.sort((a, b) => a - b)) };
}

function squeezed(x: readonly number[], dims: readonly number[]): number[] {
  const last = dims[dims.length - 1]!;
  if (x.length <= last) throw new ShapeError(`input 'data' ${shapeStr(x)} has rank ${x.length}, but dims [${dims.join(', ')}] need rank >= ${last + 1}`);
  const out: number[] = [];
  x.forEach((d, i) => {
    if (!dims.includes(i)) { out.push(d); return; }
    // an unknown dim is taken to be 1 while planning and checked when known
    if (d !== 1 && d >= 0) throw new ShapeError(`input 'data' ${shapeStr(x)} has dim ${i} = ${d}, but squeezed dims must be 1`);
  });
  return out;
}

/** Output shape: from the arg or the input's value, else the rank with unknown dims. */
function outShape(ins: readonly ValueInfo[], p: DimsParams): number[] {
  const x = ins[0]!.shape;
  if (p.dims) return squeezed(x, p.dims);
  const d = dimsInput(ins[1]!, () => x.length);
  if (d.dims) return squeezed(x, d.dims);
  if (d.count > x.length) throw new ShapeError(`input 'dims' lists ${d.count} dims to squeeze from 'data' ${shapeStr(x)}`);
  return new Array<number>(x.length - d.count).fill(-1);
}

/**
 * The op of Squeeze and ExpandDims: a view of 'data' shaped by `outShape` (the dims from the arg
 * or the optional 'dims' input), in place, with a known value folded while planning.
 */
export function dimsViewOp(type: string, doc: string, output: string, outShape: (ins: readonly ValueInfo[], p: DimsParams) => number[]) {
  return defineOp({
    type, category: 'Shape', doc,
    inputs: [{ name: 'data' }, { name: 'dims', optional: true }], outputs: [{ name: output }],
    args: { dims: arg.ints() },
    inplace: [[0, 0]],
    normalize: normalizeDimsSource,
    infer(ins, p, ctx) {
      const x = ins[0]!, shape = outShape(ins, p);
      return [{ dtype: x.dtype, shape, ...(ctx.planning && x.value && !shape.includes(-1) ? { value: viewAs(x.value, shape) } : {}) }];
    },
    run(ctx, p) {
      const x = ctx.in(0);
      const infos = [x, ctx.maybe(1)].filter((t): t is Tensor => !!t).map((t) => ({ dtype: t.dtype, shape: t.shape.slice(), value: t }));
      ctx.set(0, viewAs(x, outShape(infos, p)));
    },
  });
}

export default dimsViewOp('Squeeze', 'A view without the listed size-1 dims (from `dims`, or an optional `dims` input).', 'squeezed', outShape);
