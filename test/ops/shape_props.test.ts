// Op-level properties for the data-movement ops: through the real planner and runner, on random
// shapes (0, 1, odd), axes and dtypes (float32, int64, uint8, int16, bool), each output element
// is checked against a naive multi-index definition of the op.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import type { DType } from '../../src/core/dtype.js';
import { Tensor } from '../../src/core/tensor.js';
import { shape, seed } from '../helpers/arb.js';
import { runOp } from '../helpers/net.js';

const DTYPES: DType[] = ['float32', 'int64', 'uint8', 'int16', 'bool'];
const numel = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function randomTensor(dtype: DType, dims: number[], s: number): Tensor {
  let r = s | 0 || 1;
  const vals = Array.from({ length: numel(dims) }, () => {
    r ^= r << 13; r ^= r >>> 17; r ^= r << 5;
    switch (dtype) {
      case 'int64': return (BigInt(r) << 31n) ^ BigInt(r >>> 3);
      case 'uint8': return r & 255;
      case 'int16': return (r << 16) >> 16;
      case 'bool': return r & 1;
      default: return Math.fround(r / 65536);
    }
  });
  return Tensor.from(dtype as Exclude<DType, 'string'>, dims, vals);
}

const strides = (d: readonly number[]) => { const s = d.map(() => 1); for (let i = d.length - 2; i >= 0; i--) s[i] = s[i + 1]! * d[i + 1]!; return s; };
/** Every multi-index of `dims` in row-major order. */
function* indices(dims: readonly number[]): Generator<number[]> {
  const n = numel(dims), st = strides(dims);
  for (let f = 0; f < n; f++) yield dims.map((d, k) => Math.floor(f / st[k]!) % d);
}
const get = (t: Tensor, idx: readonly number[]) => (t.data as ArrayLike<number | bigint>)[idx.reduce((a, v, k) => a + v * strides(t.shape)[k]!, 0)];

function expectEach(y: Tensor, dtype: DType, dims: readonly number[], value: (idx: number[]) => number | bigint | undefined): void {
  assert.is(y.dtype, dtype);
  assert.equal(y.shape, dims);
  let f = 0;
  for (const idx of indices(dims)) {
    assert.is((y.data as ArrayLike<number | bigint>)[f], value(idx), `at [${idx.join(', ')}]`);
    f++;
  }
}

const dtypeArb = fc.constantFrom(...DTYPES);
const RUNS = { numRuns: 60 };

test('Transpose: y[i] = x[i permuted back], any rank 0..5 and permutation', () => {
  fc.assert(fc.property(shape(0, 5, 6, 800), dtypeArb, seed, (dims, dtype, s) => {
    const perm = dims.map((_, i) => i).sort((a, b) => ((a * 7919 + s) % 13) - ((b * 7919 + s) % 13));
    const x = randomTensor(dtype, dims, s);
    const [y] = runOp('Transpose', { axes: perm }, [x], 1);
    expectEach(y!, dtype, perm.map((a) => dims[a]!), (idx) => get(x, dims.map((_, a) => idx[perm.indexOf(a)]!)));
  }), RUNS);
});

test('Concat: each output element comes from the input that owns its axis position', () => {
  fc.assert(fc.property(shape(1, 4, 5, 300), fc.nat(), fc.array(fc.nat({ max: 4 }), { minLength: 1, maxLength: 4 }), dtypeArb, seed, (base, ax, sizes, dtype, s) => {
    const axis = ax % base.length;
    const xs = sizes.map((n, k) => randomTensor(dtype, base.map((d, i) => (i === axis ? n : d)), s + k));
    const [y, info] = runOp('Concat', { axis }, xs, 2);
    const starts = sizes.map((_, k) => sizes.slice(0, k).reduce((a, b) => a + b, 0));
    expectEach(y!, dtype, base.map((d, i) => (i === axis ? sizes.reduce((a, b) => a + b, 0) : d)), (idx) => {
      let k = sizes.length - 1;
      while (starts[k]! > idx[axis]!) k--;
      while (sizes[k] === 0) k--;
      return get(xs[k]!, idx.map((v, i) => (i === axis ? v - starts[k]! : v)));
    });
    assert.equal(Array.from(info!.data as Int32Array), sizes);
  }), RUNS);
});

test('Split then Concat is the identity; each part is the matching window', () => {
  fc.assert(fc.property(shape(1, 4, 6, 300), fc.nat(), fc.nat({ max: 3 }), dtypeArb, seed, (dims, ax, cut, dtype, s) => {
    const axis = ax % dims.length, D = dims[axis]!;
    const split = [Math.min(cut, D), D - Math.min(cut, D)];
    const x = randomTensor(dtype, dims, s);
    const parts = runOp('Split', { axis, split }, [x], 2);
    parts.forEach((p, k) => expectEach(p, dtype, dims.map((d, i) => (i === axis ? split[k]! : d)), (idx) => get(x, idx.map((v, i) => (i === axis ? v + (k ? split[0]! : 0) : v)))));
    const [back] = runOp('Concat', { axis }, parts, 1);
    expectEach(back!, dtype, dims, (idx) => get(x, idx));
  }), RUNS);
});

test('Gather: y[pre, j.., post] = x[pre, idx[j..] (wrapped), post] for any axis and 0..2-D indices', () => {
  fc.assert(fc.property(shape(1, 4, 5, 300), fc.nat(), shape(0, 2, 4, 16), dtypeArb, seed, (dims, ax, idims, dtype, s) => {
    const axis = ax % dims.length, D = dims[axis]!;
    if (D === 0) return;
    const x = randomTensor(dtype, dims, s);
    const raw = Array.from({ length: numel(idims) }, (_, i) => ((s >>> (i % 20)) + i) % (2 * D) - D);
    const idx = Tensor.from(s & 1 ? 'int64' : 'int32', idims, raw);
    const [y] = runOp('Gather', { axis, wrap_indices: 1 }, [x, idx], 1);
    const out = [...dims.slice(0, axis), ...idims, ...dims.slice(axis + 1)];
    expectEach(y!, dtype, out, (o) => {
      const j = Number(get(idx, o.slice(axis, axis + idims.length)));
      return get(x, [...o.slice(0, axis), j < 0 ? j + D : j, ...o.slice(axis + idims.length)]);
    });
  }), RUNS);
});

test('Slice: one cut dim with Caffe2 indices (negative = dim + 1 + v) equals the window', () => {
  fc.assert(fc.property(shape(1, 4, 6, 300), fc.nat(), fc.nat(), fc.nat(), dtypeArb, seed, (dims, ax, p, q, dtype, s) => {
    const axis = ax % dims.length, D = dims[axis]!;
    const a = D ? p % (D + 1) : 0, b = a + (D - a ? q % (D - a + 1) : 0);
    const starts = dims.map(() => 0), ends = dims.map(() => -1);
    starts[axis] = s & 1 ? a - D - 1 : a;
    ends[axis] = s & 2 ? b - D - 1 : b;
    const x = randomTensor(dtype, dims, s);
    const [y] = runOp('Slice', { starts, ends }, [x], 1);
    expectEach(y!, dtype, dims.map((d, i) => (i === axis ? (D ? b - a : 0) : d)), (idx) => get(x, idx.map((v, i) => (i === axis ? v + a : v))));
  }), RUNS);
});

test('NumpyTile and PadImage(constant) on random shapes', () => {
  fc.assert(fc.property(shape(0, 3, 4, 100), dtypeArb, seed, (dims, dtype, s) => {
    const reps = dims.map((_, i) => (s >>> (3 * i)) % 3);
    const x = randomTensor(dtype, dims, s);
    const [y] = runOp('NumpyTile', {}, [x, Tensor.from('int64', [reps.length], reps)], 1);
    expectEach(y!, dtype, dims.map((d, i) => d * reps[i]!), (idx) => get(x, idx.map((v, i) => v % dims[i]!)));
  }), RUNS);
  fc.assert(fc.property(fc.tuple(fc.nat({ max: 2 }), fc.nat({ max: 3 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })), fc.array(fc.integer({ min: -1, max: 3 }), { minLength: 4, maxLength: 4 }), dtypeArb, seed,
    ([N, C, H, W], pads, dtype, s) => {
      const [t, l, b, r] = pads as [number, number, number, number];
      const x = randomTensor(dtype, [N, C, H, W], s);
      if (H + t + b < 0 || W + l + r < 0) {
        assert.throws(() => runOp('PadImage', { pads, value: 3 }, [x], 1), /crop dim \d of input 'X' .* below zero/);
        return;
      }
      const [y] = runOp('PadImage', { pads, value: 3 }, [x], 1);
      const fill = dtype === 'int64' ? 3n : dtype === 'bool' ? 1 : 3;
      expectEach(y!, dtype, [N, C, H + t + b, W + l + r], ([n, c, h, w]) => {
        const hi = h! - t, wi = w! - l;
        return hi >= 0 && wi >= 0 && hi < H && wi < W ? get(x, [n!, c!, hi, wi]) : fill;
      });
    }), RUNS);
});

test.run();
