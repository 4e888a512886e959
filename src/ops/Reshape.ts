// Reshape (caffe2/operators/reshape_op.h): the new shape comes from `shape` or the `new_shape`
// input (1-D int32/int64). A 0 copies the input dim at that index (only when the input is not
// empty), one -1 is inferred (0 when the input is empty). Output 0 is a view of the input;
// output 1 (`old_shape`) holds the input dims, typed like the shape input (int64 with the arg).

import { ArgError, ShapeError, shapeStr } from '../core/errors.js';
import { Tensor, type ValueInfo } from '../core/tensor.js';
import { arg, defineOp, type OutInfo } from './schema.js';
import { intValues, product, requireIndexType, viewAs } from './tensor_util.js';

interface Params { readonly shape: readonly number[] | undefined }

function checkDims(dims: readonly number[], what: string): void {
  let unknown = 0;
  for (const d of dims) {
    if (d < -1) throw new ShapeError(`${what} [${dims.join(', ')}] has a dim ${d} (expected >= -1)`);
    if (d === -1) unknown++;
  }
  if (unknown > 1) throw new ShapeError(`${what} [${dims.join(', ')}] has more than one -1`);
}

/** The output dims for input dims `x` (-1 entries unknown) and requested dims `req`. */
export function reshapeDims(x: readonly number[], req: readonly number[]): number[] {
  const total = product(x);
  const out = req.slice();
  // Caffe1's "0 copies the dim", skipped for empty inputs; unknown if the input may be empty
  for (let i = 0; i < out.length && i < x.length; i++) {
    if (out[i] !== 0 || total === 0) continue;
    out[i] = total < 0 ? -1 : x[i]!;
  }
  let size = 1, unknownIdx = -1, sizeKnown = true;
  out.forEach((d, i) => {
    if (req[i] === -1) unknownIdx = i;
    else if (d < 0) sizeKnown = false;
    else size *= d;
  });
  if (total < 0 || !sizeKnown) {
    if (unknownIdx >= 0) out[unknownIdx] = -1;
    return out;
  }
  if (total === 0) {
    if (unknownIdx >= 0) out[unknownIdx] = 0;
    else if (size !== 0) {
      // Caffe2 skips this check and hands out uninitialised elements
      throw new ShapeError(`cannot reshape an empty tensor ${shapeStr(x)} to [${req.join(', ')}] (${size} elements)`);
    }
    return out;
  }
  if (size === 0) {
    throw new ShapeError(`cannot reshape ${shapeStr(x)} (${total} elements) to [${req.join(', ')}]: the new size is zero`);
  }
  if (unknownIdx >= 0) {
    if (total % size !== 0) {
      throw new ShapeError(`cannot reshape ${shapeStr(x)} (${total} elements) to [${req.join(', ')}]: ${total} is not a multiple of ${size}`);
    }
    out[unknownIdx] = total / size;
  } else if (total !== size) {
    throw new ShapeError(`cannot reshape ${shapeStr(x)} (${total} elements) to [${req.join(', ')}] (${size} elements)`);
  }
  return out;
}

/** The requested dims: the arg, the shape input's value, or undefined while it is unknown. */
function requested(ins: readonly ValueInfo[], p: Params): number[] | undefined {
  if (p.shape) return p.shape.slice();
  const s = ins[1]!;
  if (!s.value) return undefined;
  const v = intValues(s.value, 'new_shape');
  checkDims(v, "input 'new_shape'");
  return v;
}

export default defineOp({
  type: 'Reshape', category: 'Shape',
  doc: 'The input with new dims (a view): 0 copies a dim, -1 is inferred; output 1 is the old shape.',
  inputs: [{ name: 'data' }, { name: 'new_shape', optional: true }],
  outputs: [{ name: 'reshaped' }, { name: 'old_shape', optional: true }],
  args: { shape: arg.ints() },
  inplace: [[0, 0]],
  normalize(a, io): Params {
    if (io.numInputs === 2 && a.shape !== undefined) {
      throw new ArgError("must not be set when the new shape comes from input 'new_shape'", { arg: 'shape' });
    }
    if (io.numInputs === 1 && a.shape === undefined) {
      throw new ArgError("is required when there is no 'new_shape' input", { arg: 'shape' });
    }
    if (a.shape) {
      try { checkDims(a.shape, 'shape'); } catch (e) { throw new ArgError((e as Error).message, { arg: 'shape' }); }
    }
    return Object.freeze({ shape: a.shape });
  },
  infer(ins, p, ctx) {
    const x = ins[0]!;
    let shapeType: 'int32' | 'int64' = 'int64';
    if (ins.length === 2) {
      const s = ins[1]!;
      requireIndexType(s, 'new_shape');
      shapeType = s.dtype as 'int32' | 'int64';
      if (s.shape.length !== 1) throw new ShapeError(`input 'new_shape' must be 1-D, got ${shapeStr(s.shape)}`);
      if (s.shape[0] === 0) throw new ShapeError("input 'new_shape' must not be empty");
    }
    const req = requested(ins, p);
    // an unknown shape input still tells the rank (its length), if that is known
    const shape = req ? reshapeDims(x.shape, req) : new Array<number>(Math.max(ins[1]!.shape[0]!, 1)).fill(-1);
    const out: OutInfo[] = [{ dtype: x.dtype, shape }];
    if (x.value && ctx.planning && req) out[0]!.value = viewAs(x.value, shape);
    if (ctx.numOutputs === 2) {
      const old: OutInfo = { dtype: shapeType, shape: [x.shape.length] };
      if (ctx.planning && x.shape.every((d) => d >= 0)) old.value = Tensor.from(shapeType, [x.shape.length], x.shape);
      out.push(old);
    }
    return out;
  },
  run(ctx, p) {
    const x = ctx.in(0);
    const req = p.shape ? p.shape.slice() : intValues(ctx.in(1), 'new_shape');
    ctx.set(0, viewAs(x, reshapeDims(x.shape, req)));
    if (ctx.numOutputs === 2) {
      const o = ctx.out(1);
      const d = o.data as Int32Array | BigInt64Array;
      x.shape.forEach((v, i) => { d[i] = (o.dtype === 'int64' ? BigInt(v) : v) as never; });
    }
  },
});
