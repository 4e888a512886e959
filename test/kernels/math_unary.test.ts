// Erf against CPython's math.erf (libm) at points on both sides of the series / continued-fraction
// switch at 1.5 and the saturation at 6; Sign's zeros and NaN; the float32 maps round once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { erf, erfF32, signF32, sinF32 } from '../../kernels/math_unary.js';

const LIBM: [number, number][] = [
  [0, 0], [1e-4, 0.00011283791633342487], [0.1, 0.1124629160182849], [0.5, 0.5204998778130465], [1, 0.8427007929497149],
  [1.4999, 0.9660932516622953], [1.5, 0.9661051464753108], [2, 0.9953222650189527], [2.4999, 0.9995928300996666], [2.5, 0.999593047982555],
  [3, 0.9999779095030014], [4, 0.9999999845827421], [5.9, 0.9999999999999999], [6, 1], [-0.7, -0.6778011938374184], [-3.3, -0.9999969422902035],
];

test('erf matches libm to a few ulps, odd, saturating, NaN through', () => {
  for (const [x, want] of LIBM) {
    const got = erf(x);
    assert.ok(Math.abs(got - want) <= 4 * Number.EPSILON * Math.max(Math.abs(want), 1e-300) + 1e-300, `erf(${x}) = ${got}, libm ${want}`);
    assert.is(erf(-x), -got);
  }
  assert.is(erf(Infinity), 1);
  assert.is(erf(-40), -1);
  assert.ok(Number.isNaN(erf(NaN)));
  const out = new Float32Array(3);
  erfF32(out, Float32Array.from([0.5, -1, 3]));
  assert.equal(Array.from(out), [0.5204998778130465, -0.8427007929497149, 0.9999779095030014].map(Math.fround));
});

test('Sign: -1, 0, 1; zeros keep their sign; NaN stays; sin rounds once to float32', () => {
  const out = new Float32Array(6);
  signF32(out, Float32Array.from([-3, -0, 0, 2.5, NaN, -Infinity]));
  assert.equal(Array.from(out).map((v) => (Object.is(v, -0) ? '-0' : v)), [-1, '-0', 0, 1, NaN, -1]);
  sinF32(out, Float32Array.from([0, 1, -2, Math.PI, 100, -0]));
  assert.equal(Array.from(out), [0, 1, -2, Math.PI, 100, -0].map((v) => Math.fround(Math.sin(Math.fround(v)))));
});

test.run();
