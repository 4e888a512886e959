import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { planReduce } from '../../kernels/broadcast.js';
import * as fast from '../../kernels/reduce.js';
import * as ref from '../../kernels/reference/reduce.js';
import { MAX, MEAN, MEAN_DIV, MIN, SUM } from '../../kernels/reduce.js';
import { closeArrays, TOL } from '../helpers/close.js';
import { PROP, seed, seededFloats } from '../helpers/arb.js';

const numel = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
const kept = (x: readonly number[], red: readonly boolean[]): number[] => x.map((d, i) => (red[i] ? 1 : d));

function reduce(op: number, x: Float32Array, shape: number[], red: boolean[]): number[] {
  const k = kept(shape, red), out = new Float32Array(numel(k));
  fast.reduceNum(op, out, x, planReduce(shape, k), new Float64Array(out.length));
  return Array.from(out);
}

test('hand-computed: sum/mean/max/min over inner, outer and middle axes of [2,3,2]', () => {
  const x = Float32Array.from({ length: 12 }, (_, i) => i);
  const s = [2, 3, 2];
  assert.equal(reduce(SUM, x, s, [false, false, true]), [1, 5, 9, 13, 17, 21]);
  assert.equal(reduce(SUM, x, s, [true, false, false]), [6, 8, 10, 12, 14, 16]);
  assert.equal(reduce(MAX, x, s, [false, true, false]), [4, 5, 10, 11]);
  assert.equal(reduce(MIN, x, s, [true, false, true]), [0, 2, 4]);
  assert.equal(reduce(MEAN, x, s, [true, true, true]), [5.5]);
  assert.equal(reduce(MEAN_DIV, x, s, [false, true, true]), [2.5, 8.5]);
});

test('empty reductions give 0 / lowest / largest (Caffe2 kInit); NaN is skipped by max', () => {
  const x = new Float32Array(0);
  assert.equal(reduce(SUM, x, [2, 0], [false, true]), [0, 0]);
  assert.equal(reduce(MEAN, x, [2, 0], [false, true]), [0, 0]);
  assert.equal(reduce(MAX, x, [2, 0], [false, true]), [-3.4028234663852886e38, -3.4028234663852886e38]);
  assert.equal(reduce(MIN, x, [1, 0], [false, true]), [3.4028234663852886e38]);
  assert.equal(reduce(MAX, Float32Array.of(1, NaN, 3, NaN), [2, 2], [false, true]), [1, 3]);
  const i = new Int32Array(1);
  fast.reduceNum(MAX, i, new Int32Array(0), planReduce([0], [1]), new Float64Array(1));
  assert.is(i[0], -2147483648);
});

test('float32 mean: ReduceMean multiplies by the float ratio, Front/BackMean divide by the count', () => {
  // sum 0.01f over 3 elements: 0.01f * fround(1/3) = 0.0033333334 but 0.01f / 3 = 0.0033333332
  const x = Float32Array.of(0.01, 0, 0);
  assert.equal(reduce(MEAN, x, [3], [true]), [0.0033333334140479565]);
  assert.equal(reduce(MEAN_DIV, x, [3], [true]), [0.003333333181217313]);
});

test('int32 sums wrap; int64 sums are exact', () => {
  const o = new Int32Array(1);
  fast.reduceNum(SUM, o, Int32Array.of(2147483647, 1, 5), planReduce([3], [1]), new Float64Array(1));
  assert.is(o[0], -2147483643);
  const l = new BigInt64Array(2);
  fast.reduceI64(SUM, l, BigInt64Array.of(9007199254740993n, 2n, 5n, -3n), planReduce([2, 2], [2, 1]));
  assert.equal(Array.from(l), [9007199254740995n, 2n]);
  fast.reduceI64(MAX, l, BigInt64Array.of(9007199254740993n, 9007199254740992n, -5n, -3n), planReduce([2, 2], [2, 1]));
  assert.equal(Array.from(l), [9007199254740993n, -3n]);
});

const reduceCase = fc.tuple(
  fc.array(fc.oneof(fc.constantFrom(0, 1, 2, 3, 5), fc.integer({ min: 1, max: 9 })), { minLength: 0, maxLength: 5 }),
  fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
).filter(([s]) => numel(s) <= 4000).map(([s, r]) => [s, r.slice(0, s.length)] as [number[], boolean[]]);

test('property: reductions over any axis set, fast == reference (float32, float64, int32, int64)', () => {
  fc.assert(fc.property(reduceCase, seed, ([shape, red], s) => {
    const k = kept(shape, red), bc = planReduce(shape, k), m = numel(k);
    const xf = seededFloats(numel(shape), s, -3, 3);
    for (const op of [SUM, MEAN, MAX, MIN, MEAN_DIV]) {
      for (const x of [xf, Float64Array.from(xf), Int32Array.from(xf, (v) => Math.round(v * 1e8))]) {
        if ((op === MEAN || op === MEAN_DIV) && x instanceof Int32Array) continue;
        const ctor = x.constructor as new (n: number) => Float32Array;
        const a = new ctor(m), b = new ctor(m);
        fast.reduceNum(op, a, x, bc, new Float64Array(m));
        ref.reduceNum(op, b, x, bc, new Float64Array(m));
        // sums are added in a different order: ulp-level differences in float32
        const tol = op === MAX || op === MIN || x instanceof Int32Array ? TOL.exact : TOL.reduce;
        assert.not.ok(closeArrays(a, b, tol), `op ${op} ${ctor.name} [${shape}] reduce [${red}]: ${closeArrays(a, b, tol)}`);
      }
    }
    const xl = BigInt64Array.from(xf, (v) => BigInt(Math.round(v * 1e6)) * 10000000007n);
    for (const op of [SUM, MAX, MIN]) {
      const a = new BigInt64Array(m), b = new BigInt64Array(m);
      fast.reduceI64(op, a, xl, bc); ref.reduceI64(op, b, xl, bc);
      assert.equal(a, b);
    }
  }), PROP);
});

test('ArgMax/ArgMin: first extremum wins; NaN never replaces; n = 0 gives 0', () => {
  const out = new BigInt64Array(3);
  // [3 rows, 4]: ties at 5 -> index 1; NaN at 2 skipped; NaN first stays
  fast.argExtremum(true, out, Float32Array.of(1, 5, 5, 0, 1, 2, NaN, 3, NaN, 9, 1, 2), 3, 4, 1);
  assert.equal(Array.from(out), [1n, 3n, 0n]);
  fast.argExtremum(false, out, Float32Array.of(1, 5, 5, 0, 1, 2, NaN, 3, NaN, 9, 1, 2), 3, 4, 1);
  assert.equal(Array.from(out), [3n, 0n, 0n]);
  // axis 0 of [3, 2] (prev 1, n 3, next 2)
  const o2 = new BigInt64Array(2);
  fast.argExtremum(true, o2, Int32Array.of(1, 9, 7, 9, 7, 2), 1, 3, 2);
  assert.equal(Array.from(o2), [1n, 0n]);
  fast.argExtremum(true, o2, new Float32Array(0), 2, 0, 1);
  assert.equal(Array.from(o2), [0n, 0n]);
});

test('property: ArgMax/ArgMin fast == reference', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 6 }), seed, (p, n, q, s) => {
    const x = seededFloats(p * n * q, s, -3, 3).map(Math.round);
    for (const isMax of [true, false]) {
      const a = new BigInt64Array(p * q), b = new BigInt64Array(p * q);
      fast.argExtremum(isMax, a, x, p, n, q); ref.argExtremum(isMax, b, x, p, n, q);
      assert.equal(a, b);
    }
  }), PROP);
});

function topk(x: number[], k: number): [number[], bigint[]] {
  const v = new Float32Array(k), i = new BigInt64Array(k);
  fast.topK(v, i, undefined, Float32Array.from(x), 1, x.length, 1, k, new Int32Array(k));
  return [Array.from(v), Array.from(i)];
}

test('TopK: descending, ties by lower index, k > n pads with 0 / -1, NaN ranks first', () => {
  assert.equal(topk([3, 1, 4, 1, 5, 9, 2, 6], 3), [[9, 6, 5], [5n, 7n, 4n]]);
  assert.equal(topk([2, 7, 7, 1, 7], 3), [[7, 7, 7], [1n, 2n, 4n]]);
  assert.equal(topk([2, 7, 7, 1, 7], 2), [[7, 7], [1n, 2n]]);
  assert.equal(topk([1, 2], 4), [[2, 1, 0, 0], [1n, 0n, -1n, -1n]]);
  const [v, i] = topk([1, NaN, 3], 2);
  assert.ok(Number.isNaN(v[0]));
  assert.equal([v[1], i], [3, [1n, 2n]]);
  // along axis 0 of [3, 2] with flattened indices
  const vals = new Float32Array(4), idx = new BigInt64Array(4), flat = new BigInt64Array(4);
  fast.topK(vals, idx, flat, Float32Array.of(1, 6, 5, 2, 3, 4), 1, 3, 2, 2, new Int32Array(2));
  assert.equal(Array.from(vals), [5, 6, 3, 4]);
  assert.equal(Array.from(idx), [1n, 0n, 2n, 2n]);
  assert.equal(Array.from(flat), [2n, 1n, 4n, 5n]);
});

test('property: TopK fast (heap) == reference (stable sort), with ties and NaN', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 3 }),
    fc.integer({ min: 1, max: 35 }), seed, (p, n, q, k, s) => {
      const x = seededFloats(p * n * q, s, -4, 4).map(Math.round);
      if (x.length > 3) x[3] = NaN;
      const m = p * k * q;
      const va = new Float32Array(m), vb = new Float32Array(m);
      const ia = new BigInt64Array(m), ib = new BigInt64Array(m), fa = new BigInt64Array(m), fb = new BigInt64Array(m);
      fast.topK(va, ia, fa, x, p, n, q, k, new Int32Array(k));
      ref.topK(vb, ib, fb, x, p, n, q, k, new Int32Array(k));
      assert.not.ok(closeArrays(va, vb, TOL.exact));
      assert.equal(ia, ib);
      assert.equal(fa, fb);
      // int64 (an extension): the same ranks, values kept exact beyond 2^53
      const xl = BigInt64Array.from(x, (v) => (Number.isNaN(v) ? 2n ** 62n + 1n : BigInt(v) * 2n ** 60n));
      const la = new BigInt64Array(m), lb = new BigInt64Array(m);
      fast.topK(la, ia, fa, xl, p, n, q, k, new Int32Array(k));
      ref.topK(lb, ib, fb, xl, p, n, q, k, new Int32Array(k));
      assert.equal(la, lb);
      assert.equal(ia, ib);
      assert.equal(fa, fb);
    }), PROP);
});

test.run();
