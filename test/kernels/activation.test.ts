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

test.run();
