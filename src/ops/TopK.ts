// TopK (caffe2/operators/top_k.cc): the k largest values along `axis` (default -1) and their
// int64 indices, best first; equal values keep the lower index first. k comes from the arg or
// from a second input (int64/int32, read at run time). When k exceeds the axis, the extra
// places hold 0 and index -1, as in Caffe2. Optional third output: indices into flattened X.
// float32 as in Caffe2; float64, int32 and int64 are an extension (ONNX TopK takes them).

import { ArgError, ShapeError, shapeStr } from '../core/errors.js';
import { canonicalAxis, numel, sizeBetween } from '../core/shape.js';
import type { ValueInfo } from '../core/tensor.js';
import { topK, type TopKArray } from '../../kernels/reduce.js';
import { arg, defineOp, type OutInfo } from './schema.js';
import { ARITH_DTYPES } from './elementwise_util.js';

/** k from the arg, else from the `k` input's value when known; -1 when known only at run time. */
function kOf(ins: readonly ValueInfo[], argK: number): number {
  if (argK !== -1) return argK;
  const kin = ins[1]!;
  if (kin.dtype !== 'int64' && kin.dtype !== 'int32') throw new ShapeError(`input 'k' must be int64 or int32, got ${kin.dtype}`);
  if (kin.shape.length > 1 || (kin.shape.length === 1 && kin.shape[0] !== 1)) throw new ShapeError(`input 'k' must hold one value, got ${shapeStr(kin.shape)}`);
  if (!kin.value) return -1;
  const k = kin.value.get(0);
  if (!(k >= 1)) throw new ShapeError(`k must be >= 1, got ${k} from input 'k'`);
  return k;
}

export default defineOp({
  type: 'TopK', category: 'Reduce',
  doc: 'The k largest values along `axis` with their int64 indices (ties: lower index first); float32, float64, int32, int64.',
  inputs: [{ name: 'X' }, { name: 'k', optional: true }],
  outputs: [{ name: 'Values' }, { name: 'Indices' }, { name: 'Flattened_indices', optional: true }],
  args: { k: arg.int(-1), axis: arg.int(-1) },
  normalize(a, io) {
    if (a.k === -1 && io.numInputs < 2) throw new ArgError("needs 'k' (the argument or a second input)", { arg: 'k' });
    if (a.k !== -1 && a.k < 1) throw new ArgError(`must be >= 1, got ${a.k}`, { arg: 'k' });
    return a;
  },
  infer(ins, p, ctx) {
    const dtype = ins[0]!.dtype;
    if (!ARITH_DTYPES.includes(dtype)) throw new ShapeError(`input 'X' must be ${ARITH_DTYPES.join(', ')}, got ${dtype}`);
    const x = ins[0]!.shape, ax = canonicalAxis(p.axis, x.length);
    const k = kOf(ins, p.k);
    const shape = x.slice();
    shape[ax] = k;
    const outs: OutInfo[] = [{ dtype, shape }, { dtype: 'int64', shape: shape.slice() }];
    if (ctx.numOutputs === 3) outs.push({ dtype: 'int64', shape: [k < 0 || x.some((d) => d < 0) ? -1 : numel(shape)] });
    return outs;
  },
  run(ctx, p) {
    const x = ctx.in(0), ax = canonicalAxis(p.axis, x.rank);
    const k = p.k !== -1 ? p.k : ctx.in(1).get(0);
    topK(ctx.out(0).data as TopKArray, ctx.out(1).data as BigInt64Array,
      ctx.numOutputs === 3 ? (ctx.out(2).data as BigInt64Array) : undefined, x.data as TopKArray,
      sizeBetween(x.shape, 0, ax), x.shape[ax]!, sizeBetween(x.shape, ax + 1), k, ctx.scratch('i32', k));
  },
});
