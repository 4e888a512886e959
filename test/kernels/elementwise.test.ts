import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  legacyBroadcastError, legacyBShape, planBroadcast, planLegacyBroadcast, planNumpyBroadcast, type Broadcast,
} from '../../kernels/broadcast.js';
import * as fast from '../../kernels/elementwise.js';
import * as ref from '../../kernels/reference/elementwise.js';
import { ADD, AND, DIV, EQ, GE, GT, LE, LT, MAX, MIN, MUL, NE, OR, POW, SUB, XOR } from '../../kernels/elementwise.js';
import { closeArrays, TOL } from '../helpers/close.js';
import { PROP, seed, seededFloats } from '../helpers/arb.js';

const numel = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

test('geometry: same shape collapses to one row', () => {
  const bc = planNumpyBroadcast([2, 3, 4], [2, 3, 4]);
  assert.equal([bc.n, bc.rows, bc.aInner, bc.bInner], [24, 1, 1, 1]);
});

test('geometry: per-channel B [1,3,1,1] against [1,3,4,5] is 3 rows of a repeated value', () => {
  const bc = planNumpyBroadcast([1, 3, 4, 5], [1, 3, 1, 1]);
  assert.equal(bc.outShape, [1, 3, 4, 5]);
  assert.equal([bc.n, bc.rows, bc.aInner, bc.bInner], [20, 3, 1, 0]);
  assert.equal(Array.from(bc.aRow), [0, 20, 40]);
  assert.equal(Array.from(bc.bRow), [0, 1, 2]);
});

test('geometry: row broadcast [4,5] + [5] and outer product [3,1] x [1,4]', () => {
  const r = planNumpyBroadcast([4, 5], [5]);
  assert.equal([r.n, r.rows, r.bInner], [5, 4, 1]);
  assert.equal(Array.from(r.bRow), [0, 0, 0, 0]);
  const o = planNumpyBroadcast([3, 1], [1, 4]);
  assert.equal(o.outShape, [3, 4]);
  assert.equal([o.n, o.rows, o.aInner, o.bInner], [4, 3, 0, 1]);
  assert.equal(Array.from(o.aRow), [0, 1, 2]);
});

test('geometry: 0 dims give no rows; 0-d gives one element', () => {
  const z = planNumpyBroadcast([0, 3], [1, 3]);
  assert.equal(z.outShape, [0, 3]);
  assert.is(z.rows, 0);
  const s = planNumpyBroadcast([], []);
  assert.equal([s.n, s.rows], [1, 1]);
});

test('legacy broadcast: the published shapes of Caffe2 elementwise_op_broadcast_test.py', () => {
  const A = [2, 3, 4, 5];
  assert.equal(legacyBShape(A, [4, 5], -1), [1, 1, 4, 5]);
  assert.equal(legacyBShape(A, [3, 4], 1), [1, 3, 4, 1]);
  assert.equal(legacyBShape(A, [2], 0), [2, 1, 1, 1]);
  assert.equal(legacyBShape(A, [1, 4, 1], 1), [1, 1, 4, 1]);
  assert.equal(legacyBShape(A, [1], -1), [1, 1, 1, 1]);
  assert.equal(legacyBShape(A, [3], 1), [1, 3, 1, 1]);
  for (const [b, ax] of [[[4, 5], -1], [[3, 4], 1], [[2], 0], [[1, 4, 1], 1], [[1], -1], [[3], 1]] as [number[], number][]) {
    assert.is(legacyBroadcastError(A, b, ax), undefined);
  }
  assert.is(legacyBroadcastError(A, [3, 5], 1), 'dim 1 of B is 5 but dim 2 of A is 4');
  assert.is(legacyBroadcastError(A, [4, 5], 3), 'axis 3 is out of range (expected 0..2)');
  assert.is(legacyBroadcastError([4, 5], [2, 4, 5], -1), 'B has more dims than A (3 > 2)');
  // B's leading/trailing 1s are not matched against A: (1, 4, 1) at axis 1 only pins dim 2
  assert.is(legacyBroadcastError([2, 3, 4, 5], [1, 4, 1], 1), undefined);
});

test('Add/Sub hand-computed: legacy (2,3) + (2) axis=0 and numpy (2,1) - (3)', () => {
  const a = Float32Array.of(1, 2, 3, 4, 5, 6), out = new Float32Array(6);
  fast.binaryF32(ADD, out, a, Float32Array.of(10, 20), planLegacyBroadcast([2, 3], [2], 0));
  assert.equal(Array.from(out), [11, 12, 13, 24, 25, 26]);
  fast.binaryF32(SUB, out, Float32Array.of(1, 2), Float32Array.of(10, 20, 30), planNumpyBroadcast([2, 1], [3]));
  assert.equal(Array.from(out), [-9, -19, -29, -8, -18, -28]);
});

test('float32 Div is one correctly rounded division (not x * (1/y))', () => {
  const a = Float32Array.of(1, 3, 10, 0.1), out = new Float32Array(4);
  fast.binaryF32(DIV, out, a, Float32Array.of(3), planNumpyBroadcast([4], [1]));
  for (let i = 0; i < 4; i++) assert.is(out[i], Math.fround(a[i]! / 3));
  // 1 * fround(1/3) and fround(1/3) coincide, but 10 * fround(1/3) != fround(10/3)
  assert.is.not(Math.fround(10 * Math.fround(1 / 3)), Math.fround(10 / 3));
});

test('int32 Mul wraps like C++ (Math.imul) and Div truncates toward zero', () => {
  const out = new Int32Array(4), bc = planNumpyBroadcast([4], [4]);
  fast.binaryNum(MUL, out, Int32Array.of(65536, -7, 2147483647, 123456789), Int32Array.of(65536, 3, 2, 987654321), bc);
  assert.equal(Array.from(out), [0, -21, -2, -67153019]);
  fast.binaryNum(DIV, out, Int32Array.of(-7, 7, -1, 9), Int32Array.of(2, -2, 3, 4), bc);
  assert.equal(Array.from(out), [-3, -3, 0, 2]);
});

test('8- and 16-bit integer arithmetic wraps to the type (C semantics) and Div truncates', () => {
  const bc = planNumpyBroadcast([4], [4]);
  const i8 = new Int8Array(4), u8 = new Uint8Array(4), i16 = new Int16Array(4), u16 = new Uint16Array(4);
  fast.binaryNum(ADD, i8, Int8Array.of(127, -128, 100, -7), Int8Array.of(1, -1, 100, 2), bc);
  assert.equal(Array.from(i8), [-128, 127, -56, -5]);
  fast.binaryNum(SUB, u8, Uint8Array.of(0, 5, 255, 10), Uint8Array.of(1, 10, 255, 3), bc);
  assert.equal(Array.from(u8), [255, 251, 0, 7]);
  fast.binaryNum(MUL, i16, Int16Array.of(300, -300, 32767, 181), Int16Array.of(300, 300, 2, 181), bc);
  assert.equal(Array.from(i16), [24464, -24464, -2, 32761]);
  fast.binaryNum(DIV, i8, Int8Array.of(-7, 7, -128, 9), Int8Array.of(2, -2, -1, 4), bc);
  assert.equal(Array.from(i8), [-3, -3, -128, 2]);
  fast.binaryNum(DIV, u16, Uint16Array.of(65535, 7, 1, 0), Uint16Array.of(2, 7, 2, 9), bc);
  assert.equal(Array.from(u16), [32767, 1, 0, 0]);
});

test('int64 arithmetic is exact beyond 2^53 and wraps at 2^63; Div truncates', () => {
  const out = new BigInt64Array(3), bc = planNumpyBroadcast([3], [3]);
  fast.binaryI64(ADD, out, BigInt64Array.of(9007199254740993n, 9223372036854775807n, -5n), BigInt64Array.of(1n, 1n, 0n), bc);
  assert.equal(Array.from(out), [9007199254740994n, -9223372036854775808n, -5n]);
  fast.binaryI64(DIV, out, BigInt64Array.of(-7n, 7n, 9007199254740993n), BigInt64Array.of(2n, -2n, 3n), bc);
  assert.equal(Array.from(out), [-3n, -3n, 3002399751580331n]);
});

test('comparisons and logic to bool; NaN compares unequal', () => {
  const out = new Uint8Array(3), bc = planNumpyBroadcast([3], [1]);
  const a = Float32Array.of(1, NaN, 3), b = Float32Array.of(1);
  const res = (op: number): number[] => { fast.compare(op, out, a, b, bc); return Array.from(out); };
  assert.equal(res(EQ), [1, 0, 0]);
  assert.equal(res(NE), [0, 1, 1]);
  assert.equal(res(LT), [0, 0, 0]);
  assert.equal(res(LE), [1, 0, 0]);
  assert.equal(res(GT), [0, 0, 1]);
  assert.equal(res(GE), [1, 0, 1]);
  const bb = planNumpyBroadcast([4], [4]), x = Uint8Array.of(0, 0, 1, 1), y = Uint8Array.of(0, 1, 0, 1), o = new Uint8Array(4);
  fast.logical(AND, o, x, y, bb); assert.equal(Array.from(o), [0, 0, 0, 1]);
  fast.logical(OR, o, x, y, bb); assert.equal(Array.from(o), [0, 1, 1, 1]);
  fast.logical(XOR, o, x, y, bb); assert.equal(Array.from(o), [0, 1, 1, 0]);
  fast.notBool(o, x); assert.equal(Array.from(o), [1, 1, 0, 0]);
});

test('Max/Min propagate NaN', () => {
  const out = new Float32Array(3), bc = planNumpyBroadcast([3], [3]);
  fast.binaryF32(MAX, out, Float32Array.of(1, NaN, -2), Float32Array.of(0, 5, NaN), bc);
  assert.equal([out[0], Number.isNaN(out[1]), Number.isNaN(out[2])], [1, true, true]);
  fast.binaryF32(MIN, out, Float32Array.of(1, NaN, -2), Float32Array.of(0, 5, -3), bc);
  assert.equal([out[0], Number.isNaN(out[1]), out[2]], [0, true, -3]);
});

// ------------------------------------------------------------------ properties: fast == reference

/** An output shape and two operand shapes that numpy-broadcast to it (dims turned to 1, leading dims dropped). */
const numpyPair = fc.tuple(
  fc.array(fc.oneof(fc.constantFrom(0, 1, 2, 3, 5), fc.integer({ min: 1, max: 7 })), { minLength: 0, maxLength: 5 }),
  fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 5, maxLength: 5 }),
  fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 5, maxLength: 5 }),
  fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 }),
).filter(([o]) => numel(o) <= 3000).map(([out, ma, mb, da, db]) => {
  const a = out.map((d, i) => (ma[i] === 0 ? 1 : d)).slice(Math.min(da, out.length));
  const b = out.map((d, i) => (mb[i] === 0 ? 1 : d)).slice(Math.min(db, out.length));
  return [a, b] as [number[], number[]];
});

/** A legacy pair: A, and B = a contiguous run of A's dims at `axis`, maybe padded with 1s. */
const legacyPair = fc.tuple(
  fc.array(fc.oneof(fc.constantFrom(1, 2, 3), fc.integer({ min: 0, max: 6 })), { minLength: 1, maxLength: 5 }),
  fc.nat(), fc.nat(), fc.boolean(), fc.boolean(), fc.boolean(),
).filter(([a]) => numel(a) <= 3000).map(([a, s, l, padL, padR, scalar]) => {
  if (scalar) return { a, b: [1], axis: -1 };
  const axis = s % a.length, len = 1 + (l % (a.length - axis));
  const b = [...(padL ? [1] : []), ...a.slice(axis, axis + len), ...(padR ? [1] : [])];
  const ax = axis - (padL ? 1 : 0);
  // a leading pad needs room before axis; without it align by trailing dims (axis=-1 form)
  if (ax < 0 || ax > a.length - b.length) return { a, b: a.slice(axis, axis + len), axis };
  return { a, b, axis: ax };
});

type Num = 'float32' | 'float64' | 'int32' | 'int64' | 'int8' | 'int16' | 'uint8' | 'uint16';
const SMALL = { int8: Int8Array, int16: Int16Array, uint8: Uint8Array, uint16: Uint16Array } as const;

function data(dtype: Num, n: number, s: number, nonzero = false): Arr {
  const f = seededFloats(n, s, -20, 20);
  const fix = (v: number): number => (nonzero && Math.trunc(v) === 0 ? 3 : Math.trunc(v));
  if (dtype === 'float32') return f;
  if (dtype === 'float64') return Float64Array.from(f, (v) => v * 1.000001);
  if (dtype === 'int32') return Int32Array.from(f, (v) => fix(v) * 99991);
  if (dtype === 'int64') return BigInt64Array.from(f, (v) => BigInt(fix(v)) * 3000000000n);
  // spread over the whole range so sums and products wrap; a divisor's low bits are never 0
  const t = new SMALL[dtype](n);
  for (let i = 0; i < n; i++) t[i] = Math.trunc(f[i]! * 1637);
  if (nonzero) for (let i = 0; i < n; i++) if (t[i] === 0) t[i] = 3;
  return t;
}

type Arr = Float32Array | Float64Array | Int32Array | BigInt64Array | Int8Array | Int16Array | Uint8Array | Uint16Array;

function runArith(k: typeof fast | typeof ref, dtype: Num, op: number, out: Arr, a: Arr, b: Arr, bc: Broadcast): void {
  if (dtype === 'float32') k.binaryF32(op, out as Float32Array, a as Float32Array, b as Float32Array, bc);
  else if (dtype === 'int64') k.binaryI64(op, out as BigInt64Array, a as BigInt64Array, b as BigInt64Array, bc);
  else k.binaryNum(op, out as Float64Array, a as Float64Array, b as Float64Array, bc);
}

function checkArith(bc: Broadcast, aShape: number[], bShape: number[], s: number): void {
  const n = numel(bc.outShape);
  for (const dtype of ['float32', 'float64', 'int32', 'int64', 'int8', 'int16', 'uint8', 'uint16'] as Num[]) {
    for (const op of [ADD, SUB, MUL, DIV, MAX, MIN, POW]) {
      if (op === POW && !dtype.startsWith('float')) continue;
      const a = data(dtype, numel(aShape), s), b = data(dtype, numel(bShape), s + 1, op === DIV);
      const empty = (): Arr => new (a.constructor as new (n: number) => Arr)(n);
      const got = empty(), want = empty();
      runArith(fast, dtype, op, got, a, b, bc);
      runArith(ref, dtype, op, want, a, b, bc);
      const msg = closeArrays(got, want, op === POW ? TOL.transcendental : TOL.exact);
      assert.not.ok(msg, `${dtype} op ${op} A=[${aShape}] B=[${bShape}]: ${msg}`);
      // in place: out is the operand that is not broadcast
      if (numel(aShape) === n) {
        const a2 = a.slice() as Arr;
        runArith(fast, dtype, op, a2, a2, b, bc);
        assert.not.ok(closeArrays(a2, got, TOL.exact), `in place on A: ${dtype} op ${op}`);
      }
      if (numel(bShape) === n) {
        const b2 = b.slice() as Arr;
        runArith(fast, dtype, op, b2, a, b2, bc);
        assert.not.ok(closeArrays(b2, got, TOL.exact), `in place on B: ${dtype} op ${op}`);
      }
    }
  }
  const cmpOut = new Uint8Array(n), cmpRef = new Uint8Array(n);
  const a = seededFloats(numel(aShape), s, -2, 2).map(Math.round), b = seededFloats(numel(bShape), s + 2, -2, 2).map(Math.round);
  for (const op of [EQ, NE, LT, LE, GT, GE]) {
    fast.compare(op, cmpOut, a, b, bc); ref.compare(op, cmpRef, a, b, bc);
    assert.equal(cmpOut, cmpRef);
  }
  const ua = Uint8Array.from(a, (v) => (v > 0 ? 1 : 0)), ub = Uint8Array.from(b, (v) => (v > 0 ? 1 : 0));
  for (const op of [AND, OR, XOR]) {
    fast.logical(op, cmpOut, ua, ub, bc); ref.logical(op, cmpRef, ua, ub, bc);
    assert.equal(cmpOut, cmpRef);
  }
}

test('property: numpy broadcasting, every op and dtype, fast == reference (and in place)', () => {
  fc.assert(fc.property(numpyPair, seed, ([a, b], s) => {
    checkArith(planNumpyBroadcast(a, b), a, b, s);
  }), { numRuns: 60 });
});

test('property: legacy broadcasting (axis, 1-padded B, scalar B), fast == reference', () => {
  fc.assert(fc.property(legacyPair, seed, ({ a, b, axis }, s) => {
    assert.is(legacyBroadcastError(a, b, axis), undefined);
    checkArith(planLegacyBroadcast(a, b, axis), a, b, s);
  }), { numRuns: 60 });
});

test('property: the row plan visits every output element once with the right operand offsets', () => {
  fc.assert(fc.property(numpyPair, ([a, b]) => {
    const bc = planNumpyBroadcast(a, b);
    // operands holding their own flat index reveal which element each output reads
    const ia = Float64Array.from({ length: numel(a) }, (_, i) => i), ib = Float64Array.from({ length: numel(b) }, (_, i) => i);
    const n = numel(bc.outShape);
    const outA = new Float64Array(n), refA = new Float64Array(n), outB = new Float64Array(n), refB = new Float64Array(n);
    const zeroA = new Float64Array(numel(a)), zeroB = new Float64Array(numel(b));
    fast.binaryNum(ADD, outA, ia, zeroB, bc); ref.binaryNum(ADD, refA, ia, zeroB, bc);
    fast.binaryNum(ADD, outB, zeroA, ib, bc); ref.binaryNum(ADD, refB, zeroA, ib, bc);
    assert.equal(outA, refA);
    assert.equal(outB, refB);
  }), PROP);
});

test('planBroadcast matches numpy-style operand views built by hand', () => {
  // [2,1,3] + [4,1]: out [2,4,3]; element (i,j,k) reads a[i,0,k] and b[j,0]
  const bc = planBroadcast([2, 4, 3], [2, 1, 3], [1, 4, 1]);
  const a = Float64Array.from({ length: 6 }, (_, i) => i * 100), b = Float64Array.from({ length: 4 }, (_, i) => i);
  const out = new Float64Array(24);
  fast.binaryNum(ADD, out, a, b, bc);
  for (let i = 0; i < 2; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < 3; k++) {
    assert.is(out[(i * 4 + j) * 3 + k], (i * 3 + k) * 100 + j);
  }
});

test.run();
