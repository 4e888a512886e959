// Squeeze (caffe2/operators/expand_squeeze_dims_op.h): a view without the listed dims, each of
// which must be 1. `dims` is required, sorted and de-duplicated, each >= 0 (no negative form).

import { ArgError, ShapeError, shapeStr } from '../core/errors.js';
import { arg, defineOp } from './schema.js';
import { viewAs } from './tensor_util.js';

/** Sorted, de-duplicated, non-negative, non-empty `dims` (shared with ExpandDims). */
export function normalizeDims(dims: readonly number[] | undefined): readonly number[] {
  if (!dims || dims.length === 0) throw new ArgError('must list at least one dim', { arg: 'dims' });
  const s = [...new Set(dims)].sort((a, b) => a - b);
  if (s[0]! < 0) throw new ArgError(`dims must be >= 0, got [${dims.join(', ')}]`, { arg: 'dims' });
  return Object.freeze(s);
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

export default defineOp({
  type: 'Squeeze', category: 'Shape',
  doc: 'A view without the listed size-1 dims.',
  inputs: [{ name: 'data' }], outputs: [{ name: 'squeezed' }],
  args: { dims: arg.ints() },
  inplace: [[0, 0]],
  normalize(a) { return Object.freeze({ dims: normalizeDims(a.dims) }); },
  infer([x], p, ctx) {
    const shape = squeezed(x!.shape, p.dims);
    return [{ dtype: x!.dtype, shape, ...(ctx.planning && x!.value ? { value: viewAs(x!.value, shape) } : {}) }];
  },
  run(ctx, p) {
    const x = ctx.in(0);
    ctx.set(0, viewAs(x, squeezed(x.shape, p.dims)));
  },
});
