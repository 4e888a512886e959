// Slice (caffe2/operators/slice_op.h): starts/ends per leading dim, from args or from two int
// inputs; later dims are kept whole. A negative index v means dim + 1 + v (so -1 is the end,
// inclusive); indices clamp to the dim; start <= end is required. Only one dim may actually be
// cut (Caffe2's limit), except that empty inputs take any request.

import { copyWords, sliceAxis } from '../../kernels/copy.js';
import { ArgError, ShapeError, shapeStr } from '../core/errors.js';
import { Tensor } from '../core/tensor.js';
import { arg, defineOp } from './schema.js';
import { canFold, intValues, product, requireIndexType, requireNumeric, unitOf, wordsOf } from './tensor_util.js';

interface Params { readonly starts: readonly number[] | undefined; readonly ends: readonly number[] | undefined }

interface Cut { shape: number[]; dim: number; start: number }

/** The output shape and the one cut dim (-1: none) for input dims x (-1: unknown). */
export function sliceDims(x: readonly number[], starts: readonly number[], ends: readonly number[]): Cut {
  if (starts.length > x.length) throw new ShapeError(`starts/ends have ${starts.length} entries, but input 'X' ${shapeStr(x)} has rank ${x.length}`);
  const shape = x.slice();
  const cut: number[] = [];
  let dim = -1, start = 0;
  for (let i = 0; i < starts.length; i++) {
    const D = x[i]!;
    if (D <= 0) { shape[i] = D; continue; }
    const resolve = (v: number, what: string): number => {
      const r = Math.min(v < 0 ? D + 1 + v : v, D);
      if (r < 0) throw new ShapeError(`${what} ${v} for dim ${i} of input 'X' ${shapeStr(x)} resolves to ${r} (a negative index v means ${D} + 1 + v; expected 0..${D})`);
      return r;
    };
    const s = resolve(starts[i]!, 'start'), e = resolve(ends[i]!, 'end');
    if (e < s) throw new ShapeError(`dim ${i} of input 'X' ${shapeStr(x)}: end ${ends[i]} resolves to ${e}, before start ${starts[i]} (${s})`);
    shape[i] = e - s;
    if (s > 0 || e < D) { cut.push(i); dim = i; start = s; }
  }
  if (cut.length > 1 && product(x) > 0) {
    throw new ShapeError(`only one dim can be sliced, but dims ${cut.join(' and ')} of input 'X' ${shapeStr(x)} are (starts [${starts.join(', ')}], ends [${ends.join(', ')}])`);
  }
  return { shape, dim, start };
}

/** starts/ends from the args or the inputs; undefined while the inputs' values are unknown. */
function bounds(p: Params, starts: Tensor | undefined, ends: Tensor | undefined): [number[], number[]] | undefined {
  if (p.starts && p.ends) return [p.starts.slice(), p.ends.slice()];
  if (!starts || !ends) return undefined;
  return [intValues(starts, 'starts', true), intValues(ends, 'ends', true)];
}

function slice(y: Tensor, x: Tensor, c: Cut): void {
  const dst = wordsOf(y), src = wordsOf(x);
  if (y.size === 0) return;
  if (c.dim < 0) { copyWords(dst.w, 0, src.w, 0, src.w.length); return; }
  const after = product(x.shape, c.dim + 1) * src.unit;
  sliceAxis(dst.w, src.w, product(x.shape, 0, c.dim), x.shape[c.dim]! * after, c.start * after, y.shape[c.dim]! * after);
}

export default defineOp({
  type: 'Slice', category: 'Tensor',
  doc: 'A sub-tensor from starts/ends per leading dim (-1 = the end, inclusive); one dim may be cut.',
  inputs: [{ name: 'X' }, { name: 'starts', optional: true }, { name: 'ends', optional: true }],
  outputs: [{ name: 'Y' }],
  args: { starts: arg.ints(), ends: arg.ints() },
  normalize(a, io): Params {
    if (io.numInputs === 2) throw new ArgError("takes starts and ends both as inputs or both as args, got only input 'starts'");
    if (io.numInputs === 3) return Object.freeze({ starts: undefined, ends: undefined });
    if (a.starts === undefined) throw new ArgError('is required when starts/ends are not inputs', { arg: 'starts' });
    if (a.ends === undefined) throw new ArgError('is required when starts/ends are not inputs', { arg: 'ends' });
    if (a.starts.length !== a.ends.length) {
      throw new ArgError(`has ${a.ends.length} entries, but 'starts' has ${a.starts.length}`, { arg: 'ends' });
    }
    return Object.freeze({ starts: a.starts, ends: a.ends });
  },
  infer(ins, p, ctx) {
    const x = ins[0]!;
    requireNumeric(x, 'X');
    if (ins.length === 3) {
      const [s, e] = [ins[1]!, ins[2]!];
      requireIndexType(s, 'starts'); requireIndexType(e, 'ends');
      if (s.shape.length !== 1 || e.shape.length !== 1) throw new ShapeError(`inputs 'starts' ${shapeStr(s.shape)} and 'ends' ${shapeStr(e.shape)} must be 1-D`);
      if (s.shape[0]! >= 0 && e.shape[0]! >= 0 && s.shape[0] !== e.shape[0]) {
        throw new ShapeError(`inputs 'starts' ${shapeStr(s.shape)} and 'ends' ${shapeStr(e.shape)} must have the same length`);
      }
    }
    const b = bounds(p, ins[1]?.value, ins[2]?.value);
    if (!b) {
      const n = ins[1]!.shape[0]!;
      return [{ dtype: x.dtype, shape: x.shape.map((d, i) => (n < 0 || i < n ? -1 : d)) }];
    }
    const c = sliceDims(x.shape, b[0], b[1]);
    if (!canFold(ins, ctx, c.shape)) return [{ dtype: x.dtype, shape: c.shape }];
    const y = new Tensor(x.dtype, c.shape);
    slice(y, x.value!, c);
    return [{ dtype: x.dtype, shape: c.shape, value: y }];
  },
  run(ctx, p) {
    const x = ctx.in(0);
    const b = bounds(p, ctx.maybe(1), ctx.maybe(2))!;
    slice(ctx.out(0), x, sliceDims(x.shape, b[0], b[1]));
  },
});
