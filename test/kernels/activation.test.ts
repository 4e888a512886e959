import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { reluF32 } from '../../kernels/activation.js';
import { reluF32 as reluRef } from '../../kernels/reference/activation.js';
import { seededFloats, seed, PROP } from '../helpers/arb.js';

test('relu hand-computed', () => {
  const x = Float32Array.of(-2, -0, 0, 0.5, 3, NaN);
  const y = new Float32Array(6);
  reluF32(y, x);
  assert.equal(Array.from(y.subarray(0, 5)), [0, 0, 0, 0.5, 3]);
});

test('relu fast == reference, including in place', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 300 }), seed, (n, s) => {
    const x = seededFloats(n, s, -5, 5);
    const a = new Float32Array(n), b = new Float32Array(n);
    reluF32(a, x); reluRef(b, x);
    const c = x.slice(); reluF32(c, c);
    assert.equal(a, b);
    assert.equal(c, b);
  }), PROP);
});

test.run();
