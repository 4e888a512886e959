import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as fast from '../../kernels/activation.js';
import * as ref from '../../kernels/reference/activation.js';
import { seededFloats, seed, PROP } from '../helpers/arb.js';
import { closeArrays, TOL } from '../helpers/close.js';

const f = Math.fround;

test('relu hand-computed', () => {
  const x = Float32Array.of(-2, -0, 0, 0.5, 3, NaN, -Infinity, Infinity, -1e-45);
  const y = new Float32Array(9);
  fast.reluF32(y, x);
  assert.equal(Array.from(y), [0, 0, 0, 0.5, 3, NaN, 0, Infinity, 0]);
  assert.ok(Object.is(y[1], 0), '-0 becomes +0');
  // a NaN whose sign bit is set (x86's default NaN from 0/0) counts as negative
  const bits = new Int32Array(x.buffer);
  bits[5] = 0xffc00000 | 0;
  fast.reluF32(y, x);
  assert.is(y[5], 0);
  // a subarray view at an offset
  const big = Float32Array.of(5, -1, 2, -3), part = new Float32Array(4);
  fast.reluF32(part.subarray(1, 3), big.subarray(1, 3));
  assert.equal(Array.from(part), [0, 0, 2, 0]);
});

test('relu fast == reference, including in place', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 300 }), seed, (n, s) => {
    const x = seededFloats(n, s, -5, 5);
    const a = new Float32Array(n), b = new Float32Array(n);
    fast.reluF32(a, x); ref.reluF32(b, x);
    const c = x.slice(); fast.reluF32(c, c);
    assert.equal(a, b);
    assert.equal(c, b);
  }), PROP);
});

test('hand-computed: leaky relu, sigmoid saturation, clip, scale, pow', () => {
  const y = new Float32Array(4);
  fast.leakyReluF32(y, Float32Array.of(-2, 0, 3, -0.5), f(0.01));
  assert.equal(Array.from(y), [f(-2 * f(0.01)), 0, 3, f(-0.5 * f(0.01))]);
  fast.sigmoidF32(y, Float32Array.of(0, 100, -100, -1000));
  assert.equal(Array.from(y), [0.5, 1, f(1 / (1 + Math.exp(100))), 0]);
  fast.clipF32(y, Float32Array.of(-5, 25, 70, NaN), 20, 60);
  assert.equal(Array.from(y.subarray(0, 3)), [20, 25, 60]);
  assert.ok(Number.isNaN(y[3]));
  fast.powScalarF32(y, Float32Array.of(3, -2, 0.5, 4), 2);
  assert.equal(Array.from(y), [9, 4, 0.25, 16]);
  fast.powScalarF32(y, Float32Array.of(4, 9, 2, 0), 0.5);
  assert.equal(Array.from(y), [2, 3, f(Math.SQRT2), 0]);
  const d = new Float64Array(2);
  fast.scaleFloat(d, Float64Array.of(1, 3), f(0.1));
  assert.equal(Array.from(d), [f(0.1), 3 * f(0.1)]);
});

test('hand-computed: exp/log/sqrt/tanh edge values; abs/neg on int32 and int64', () => {
  const y = new Float32Array(3);
  fast.logF32(y, Float32Array.of(0, -1, 1)); assert.equal([y[0], Number.isNaN(y[1]), y[2]], [-Infinity, true, 0]);
  fast.sqrtF32(y, Float32Array.of(4, -1, 0)); assert.equal([y[0], Number.isNaN(y[1]), y[2]], [2, true, 0]);
  fast.expF32(y, Float32Array.of(0, 89, -104)); assert.equal(Array.from(y), [1, Infinity, 0]);
  fast.tanhF32(y, Float32Array.of(0, 20, -20)); assert.equal(Array.from(y), [0, 1, -1]);
  const i = new Int32Array(3);
  fast.absNum(i, Int32Array.of(-5, 7, -2147483648)); assert.equal(Array.from(i), [5, 7, -2147483648]);
  fast.negNum(i, Int32Array.of(-5, 7, -2147483648)); assert.equal(Array.from(i), [5, -7, -2147483648]);
  const l = new BigInt64Array(2);
  fast.absI64(l, BigInt64Array.of(-9007199254740993n, 4n)); assert.equal(Array.from(l), [9007199254740993n, 4n]);
  fast.negI64(l, BigInt64Array.of(-9223372036854775808n, 4n)); assert.equal(Array.from(l), [-9223372036854775808n, -4n]);
});

test('property: every unary kernel fast == reference, in place too', () => {
  const unary: [string, (o: Float32Array, x: Float32Array) => void, (o: Float32Array, x: Float32Array) => void][] = [
    ['leakyRelu', (o, x) => fast.leakyReluF32(o, x, f(0.2)), (o, x) => ref.leakyReluF32(o, x, f(0.2))],
    ['sigmoid', fast.sigmoidF32, ref.sigmoidF32],
    ['tanh', fast.tanhF32, ref.tanhF32],
    ['exp', fast.expF32, ref.expF32],
    ['log', fast.logF32, ref.logF32],
    ['sqrt', fast.sqrtF32, ref.sqrtF32],
    ['abs', fast.absNum, ref.absNum],
    ['neg', fast.negNum, ref.negNum],
    ['clip', (o, x) => fast.clipF32(o, x, -1.5, 2), (o, x) => ref.clipF32(o, x, -1.5, 2)],
    ['scale', (o, x) => fast.scaleFloat(o, x, f(1.7)), (o, x) => ref.scaleFloat(o, x, f(1.7))],
    ['pow 3', (o, x) => fast.powScalarF32(o, x, 3), (o, x) => ref.powScalarF32(o, x, 3)],
    ['pow 2', (o, x) => fast.powScalarF32(o, x, 2), (o, x) => ref.powScalarF32(o, x, 2)],
    ['pow 1', (o, x) => fast.powScalarF32(o, x, 1), (o, x) => ref.powScalarF32(o, x, 1)],
    ['softsign', fast.softsignF32, ref.softsignF32],
    ['prelu shared', (o, x) => fast.preluF32(o, x, Float32Array.of(f(0.3)), 1), (o, x) => ref.preluF32(o, x, Float32Array.of(f(0.3)), 1)],
  ];
  fc.assert(fc.property(fc.integer({ min: 0, max: 200 }), seed, (n, s) => {
    const x = seededFloats(n, s, -6, 6);
    if (n > 2) { x[0] = 0; x[1] = -0; x[2] = NaN; }
    for (const [name, k, r] of unary) {
      const a = new Float32Array(n), b = new Float32Array(n), c = x.slice();
      k(a, x); r(b, x); k(c, c);
      // one rounding of the same double result on both sides: exact
      assert.not.ok(closeArrays(a, b, TOL.exact), `${name}: ${closeArrays(a, b, TOL.exact)}`);
      assert.not.ok(closeArrays(c, a, TOL.exact), `${name} in place`);
    }
  }), PROP);
});

test('hand-computed: elu, selu, softplus, softsign, prelu', () => {
  const y = new Float32Array(4);
  fast.eluF32(y, Float32Array.of(-1, 0, 2, -1e-30), 0.5);
  assert.equal(Array.from(y), [f(0.5 * Math.expm1(-1)), 0, 2, f(-0.5e-30)]);
  const alpha = f(1.6732632423543772), scale = f(1.0507009873554805);
  fast.seluF32(y, Float32Array.of(-1, 0, 2, -100), alpha, scale);
  assert.equal(Array.from(y), [f(scale * alpha * Math.expm1(-1)), 0, f(2 * scale), f(-scale * alpha)]);
  // tiny values are kept (the plain log(exp(x) + 1) gives 0 below about -37); no overflow at 100
  fast.softplusF32(y, Float32Array.of(-100, 0, 100, 1));
  assert.equal(Array.from(y), [f(Math.exp(-100)), f(Math.LN2), 100, f(Math.log1p(Math.E))]);
  fast.softsignF32(y, Float32Array.of(-3, 0, 1, 1e30));
  assert.equal(Array.from(y), [-0.75, 0, 0.5, 1]);
  // per channel: x [2 images, 2 channels, 2 pixels]
  const p = new Float32Array(8);
  fast.preluF32(p, Float32Array.of(-1, 2, -3, 4, -5, -6, 7, -8), Float32Array.of(0.5, 0.25), 2);
  assert.equal(Array.from(p), [-0.5, 2, -0.75, 4, -2.5, -3, 7, -2]);
});

test('floor: fast == reference (x minus its fractional part) on float32 and float64, specials included', () => {
  const specials = [-0, 0.5, -0.5, 1e-300, -1e-300, 2 ** 52 + 0.5, -(2 ** 53), Infinity, -Infinity, NaN, 2.9999999999999996];
  fc.assert(fc.property(fc.integer({ min: 0, max: 100 }), seed, (n, s) => {
    const x = Float64Array.from([...specials, ...Array.from(seededFloats(n, s, -50, 50), (v) => v * 1.0000001)]);
    const a = new Float64Array(x.length), b = new Float64Array(x.length);
    fast.floorFloat(a, x); ref.floorFloat(b, x);
    assert.equal(Array.from(a), Array.from(b));
    assert.ok(Object.is(a[0], -0));
    const x32 = Float32Array.from(x), c = new Float32Array(x32.length), d = new Float32Array(x32.length);
    fast.floorFloat(c, x32); ref.floorFloat(d, x32);
    assert.equal(Array.from(c), Array.from(d));
  }), PROP);
});

test('property: elu, selu, softplus, per-channel prelu fast == reference (one rounding apart at most)', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 5 }), seed, (n, C, s) => {
    const x = seededFloats(n, s, -40, 40);
    const slope = seededFloats(C, s + 1, -1, 1);
    const cases: [string, (o: Float32Array, x: Float32Array) => void, (o: Float32Array, x: Float32Array) => void][] = [
      ['elu', (o, v) => fast.eluF32(o, v, f(1.3)), (o, v) => ref.eluF32(o, v, f(1.3))],
      ['selu', (o, v) => fast.seluF32(o, v, f(1.67), f(1.05)), (o, v) => ref.seluF32(o, v, f(1.67), f(1.05))],
      ['softplus', fast.softplusF32, ref.softplusF32],
      ['prelu', (o, v) => fast.preluF32(o, v, slope, 3), (o, v) => ref.preluF32(o, v, slope, 3)],
    ];
    for (const [name, k, r] of cases) {
      const a = new Float32Array(n), b = new Float32Array(n), c = x.slice();
      k(a, x); r(b, x); k(c, c);
      assert.not.ok(closeArrays(a, b, TOL.transcendental), `${name}: ${closeArrays(a, b, TOL.transcendental)}`);
      assert.not.ok(closeArrays(c, a, TOL.exact), `${name} in place`);
    }
  }), PROP);
});

test.run();
