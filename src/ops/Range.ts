// Range (caffe2/operators/utility_ops.h RangeOp): 1 input = stop, 2 = start, stop, 3 = start,
// stop, step; each one element, all of one type (int32, int64, float32, float64). Length:
// integers: q = trunc(diff / step), +1 if q * step < diff (Caffe2's rule, which for a negative
// step gives one less than numpy, e.g. (0, -5, -2) -> [0, -2]); floats: ceil(diff / step) in the
// input precision. Values are i * step + start in that type. The shape is data-dependent.

import { ShapeError, shapeStr } from '../core/errors.js';
import { Tensor, type ValueInfo } from '../core/tensor.js';
import { defineOp } from './schema.js';
import { FOLD_MAX } from './tensor_util.js';

const TYPES = new Set(['int32', 'int64', 'float32', 'float64']);
const NAMES = [['stop'], ['start', 'stop'], ['start', 'stop', 'step']] as const;

type Bounds = { start: number | bigint; stop: number | bigint; step: number | bigint };

function boundsOf(vals: readonly Tensor[]): Bounds {
  const n = vals.length;
  const get = (i: number): number | bigint => (vals[i]!.data as ArrayLike<number | bigint>)[0]!;
  const zero = vals[0]!.dtype === 'int64' ? 0n : 0, one = vals[0]!.dtype === 'int64' ? 1n : 1;
  return n === 1 ? { start: zero, stop: get(0), step: one } : { start: get(0), stop: get(1), step: n === 3 ? get(2) : one };
}

function length(b: Bounds, dtype: string): number {
  if (b.step === 0 || b.step === 0n) throw new ShapeError("input 'step' must not be 0");
  let len: number;
  if (dtype === 'int64') {
    const diff = (b.stop as bigint) - (b.start as bigint), step = b.step as bigint;
    let q = diff / step;
    if (q * step < diff) q += 1n;
    len = Number(q);
  } else if (dtype === 'int32') {
    const diff = ((b.stop as number) - (b.start as number)) | 0, step = b.step as number;
    let q = Math.trunc(diff / step);
    if (q * step < diff) q += 1;
    len = q;
  } else {
    const f = dtype === 'float32' ? Math.fround : (v: number): number => v;
    len = Math.ceil(f(f((b.stop as number) - (b.start as number)) / (b.step as number)));
  }
  if (!Number.isSafeInteger(len) && len > 0) throw new ShapeError(`range of ${len} elements is too long`);
  return Math.max(len, 0);
}

function fill(y: Tensor, b: Bounds): void {
  const n = y.size;
  if (y.dtype === 'int64') {
    const d = y.data as BigInt64Array, s = b.start as bigint, st = b.step as bigint;
    for (let i = 0; i < n; i++) d[i] = BigInt.asIntN(64, BigInt(i) * st + s);
  } else if (y.dtype === 'int32') {
    const d = y.data as Int32Array, s = b.start as number, st = b.step as number;
    for (let i = 0; i < n; i++) d[i] = (Math.imul(i, st) + s) | 0;
  } else {
    // float32: i converts to float, then a float multiply and a float add, each rounded once
    // (the product of two floats is exact in a double; the store rounds the sum correctly)
    const d = y.data as Float32Array | Float64Array, s = b.start as number, st = b.step as number;
    const f = y.dtype === 'float32' ? Math.fround : (v: number): number => v;
    for (let i = 0; i < n; i++) d[i] = f(f(i) * st) + s;
  }
}

function checkInputs(ins: readonly ValueInfo[]): void {
  const names = NAMES[ins.length - 1]!;
  ins.forEach((x, i) => {
    if (!TYPES.has(x.dtype)) throw new ShapeError(`input '${names[i]}' must be int32, int64, float32 or float64, got ${x.dtype}`);
    if (x.dtype !== ins[0]!.dtype) throw new ShapeError(`input '${names[i]}' is ${x.dtype}, but input '${names[0]}' is ${ins[0]!.dtype} (all inputs must share a type)`);
    if (x.shape.every((d) => d >= 0) && x.shape.reduce((a, b) => a * b, 1) !== 1) {
      throw new ShapeError(`input '${names[i]}' must hold one element, got ${shapeStr(x.shape)}`);
    }
  });
}

export default defineOp({
  type: 'Range', category: 'Data',
  doc: 'The 1-D sequence start, start + step, ... below stop (inputs: [start,] stop [, step]).',
  inputs: [{ name: 'start' }, { name: 'stop', optional: true }, { name: 'step', optional: true }],
  outputs: [{ name: 'output' }],
  args: {},
  infer(ins, _a, ctx) {
    checkInputs(ins);
    const dtype = ins[0]!.dtype;
    if (!ins.every((x) => x.value)) return [{ dtype, shape: [-1] }];
    const b = boundsOf(ins.map((x) => x.value!));
    const shape = [length(b, dtype)];
    if (!ctx.planning || shape[0]! > FOLD_MAX) return [{ dtype, shape }];
    const y = new Tensor(dtype, shape);
    fill(y, b);
    return [{ dtype, shape, value: y }];
  },
  run(ctx) {
    const vals = Array.from({ length: ctx.numInputs }, (_, i) => ctx.in(i));
    const b = boundsOf(vals);
    const y = ctx.alloc(0, vals[0]!.dtype, [length(b, vals[0]!.dtype)]);
    fill(y, b);
  },
});
