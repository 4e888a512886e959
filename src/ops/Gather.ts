// Gather (caffe2/operators/gather_op.h): output = DATA.dims[:axis] ++ INDICES.dims ++
// DATA.dims[axis+1:] (DATA's own shape when DATA.dims[axis] == 0). `wrap_indices` (default: true
// iff the `axis` arg is 0) adds dim once to a negative index; every index must then lie in
// [0, dim). `match_outer`: INDICES shares DATA's dims before `axis`, one index row per batch.

import { gather } from '../../kernels/gather.js';
import { ShapeError, shapeStr } from '../core/errors.js';
import { Tensor, type ValueInfo } from '../core/tensor.js';
import { arg, defineOp, type RunCtx } from './schema.js';
import { canFold, product, requireIndexType, requireNumeric, wordsOf } from './tensor_util.js';

export interface GatherParams { readonly axis: number; readonly wrap: boolean; readonly matchOuter: boolean }

interface Geometry { shape: number[]; axis: number }

function geometry(data: readonly number[], idx: readonly number[], p: GatherParams): Geometry {
  const r = data.length;
  const axis = p.axis < 0 ? p.axis + r : p.axis;
  if (axis < 0 || axis >= r) throw new ShapeError(`axis ${p.axis} is out of range for input 'DATA' ${shapeStr(data)} (expected ${-r}..${r - 1})`);
  if (data[axis] === 0) return { shape: data.slice(), axis };
  if (p.matchOuter) {
    if (axis < 1) throw new ShapeError('match_outer needs axis >= 1');
    for (let i = 0; i < axis; i++) {
      if (idx.length <= i || (idx[i]! >= 0 && data[i]! >= 0 && idx[i] !== data[i])) {
        throw new ShapeError(`with match_outer, input 'INDICES' ${shapeStr(idx)} must share the dims before axis ${axis} of input 'DATA' ${shapeStr(data)}`);
      }
    }
  }
  const shape = [...data.slice(0, axis), ...(p.matchOuter ? idx.slice(axis) : idx), ...data.slice(axis + 1)];
  return { shape, axis };
}

/** Wrapped, range-checked indices as int32 (the error names the first bad one). */
function checkedIndices(idx: Tensor, D: number, p: GatherParams, axis: number, data: readonly number[], into: Int32Array): Int32Array {
  const v = idx.data as ArrayLike<number | bigint>;
  for (let i = 0; i < idx.size; i++) {
    const raw = Number(v[i]!);
    const j = p.wrap && raw < 0 ? raw + D : raw;
    if (!(j >= 0 && j < D)) {
      throw new ShapeError(`INDICES[${i}] = ${v[i]} is out of range for input 'DATA' ${shapeStr(data)} along axis ${axis} (expected ${p.wrap ? -D : 0}..${D - 1})`);
    }
    into[i] = j;
  }
  return into;
}

function compute(y: Tensor, data: Tensor, idx: Tensor, p: GatherParams, axis: number, scratch: Int32Array): void {
  if (y.size === 0) return;
  const D = data.shape[axis]!;
  const ids = checkedIndices(idx, D, p, axis, data.shape, scratch);
  const src = wordsOf(data);
  const n = p.matchOuter ? product(idx.shape, axis) : idx.size;
  gather(wordsOf(y).w, src.w, ids, product(data.shape, 0, axis), D, product(data.shape, axis + 1) * src.unit, n, p.matchOuter);
}

export function inferGather(ins: readonly ValueInfo[], p: GatherParams, planning: boolean): { dtype: ValueInfo['dtype']; shape: number[]; value?: Tensor }[] {
  const [data, idx] = [ins[0]!, ins[1]!];
  requireNumeric(data, 'DATA');
  requireIndexType(idx, 'INDICES');
  const g = geometry(data.shape, idx.shape, p);
  if (!canFold(ins, { planning, numInputs: 2, numOutputs: 1 }, g.shape)) return [{ dtype: data.dtype, shape: g.shape }];
  const y = new Tensor(data.dtype, g.shape);
  compute(y, data.value!, idx.value!, p, g.axis, new Int32Array(idx.value!.size));
  return [{ dtype: data.dtype, shape: g.shape, value: y }];
}

export function runGather(ctx: RunCtx, p: GatherParams): void {
  const data = ctx.in(0), idx = ctx.in(1);
  const g = geometry(data.shape, idx.shape, p);
  compute(ctx.out(0), data, idx, p, g.axis, ctx.scratch('i32', idx.size));
}

export default defineOp({
  type: 'Gather', category: 'Tensor',
  doc: 'Takes the entries of DATA at INDICES along `axis`.',
  inputs: [{ name: 'DATA' }, { name: 'INDICES' }], outputs: [{ name: 'OUTPUT' }],
  args: { axis: arg.int(0), wrap_indices: arg.bool(), match_outer: arg.bool(false) },
  normalize(a): GatherParams {
    return Object.freeze({ axis: a.axis, wrap: a.wrap_indices ?? a.axis === 0, matchOuter: a.match_outer });
  },
  infer(ins, p, ctx) { return inferGather(ins, p, ctx.planning); },
  run: runGather,
});
