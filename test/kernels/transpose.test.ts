import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { simplifyPermutation, transpose } from '../../kernels/transpose.js';
import { transpose as transposeRef } from '../../kernels/reference/transpose.js';
import { PROP, seed, shape } from '../helpers/arb.js';
import { numel, permutation, poisoned, seededWords, unit, wordCtor } from '../helpers/words.js';

test('transpose [2,3] -> [3,2] hand-computed', () => {
  const y = new Int32Array(6);
  transpose(y, Int32Array.of(0, 1, 2, 3, 4, 5), [2, 3], [1, 0]);
  assert.equal(Array.from(y), [0, 3, 1, 4, 2, 5]);
});

test('transpose NCHW [1,2,2,3] -> NHWC hand-computed', () => {
  // channel 0 holds 0..5, channel 1 holds 10..15; NHWC interleaves them per pixel
  const x = Int32Array.of(0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15);
  const y = new Int32Array(12);
  transpose(y, x, [1, 2, 2, 3], [0, 2, 3, 1]);
  assert.equal(Array.from(y), [0, 10, 1, 11, 2, 12, 3, 13, 4, 14, 5, 15]);
});

test('transpose moves 2-word elements as pairs (int64)', () => {
  const x = new Int32Array(new BigInt64Array([1n, -2n, 3n, -(2n ** 63n), 5n, 2n ** 40n]).buffer);
  const y = new Int32Array(12);
  transpose(y, x, [2, 3], [1, 0], 2);
  assert.equal(Array.from(new BigInt64Array(y.buffer)), [1n, -(2n ** 63n), -2n, 5n, 3n, 2n ** 40n]);
});

test('simplifyPermutation: NCHW->NHWC is a batch of [C, HW] transposes; size-1 axes vanish', () => {
  assert.equal(simplifyPermutation([2, 64, 7, 9], [0, 2, 3, 1], 1), { dims: [2, 64, 63], perm: [0, 2, 1], unit: 1 });
  assert.equal(simplifyPermutation([1, 64, 7, 9], [0, 2, 3, 1], 1), { dims: [64, 63], perm: [1, 0], unit: 1 });
  assert.equal(simplifyPermutation([1, 7, 9, 64], [0, 3, 1, 2], 1), { dims: [63, 64], perm: [1, 0], unit: 1 });
  // a kept innermost axis becomes part of the element
  assert.equal(simplifyPermutation([3, 4, 5], [1, 0, 2], 2), { dims: [3, 4], perm: [1, 0], unit: 10 });
  assert.equal(simplifyPermutation([3, 4, 5], [0, 1, 2], 1), { dims: [], perm: [], unit: 60 });
});

const perms = fc.tuple(shape(0, 5, 9, 3000), seed, unit, wordCtor, seed);
test('transpose fast == reference: random shapes (0, 1, odd), permutations, units and word sizes', () => {
  fc.assert(fc.property(perms, ([dims, ps, u, ctor, ds]) => {
    const perm = permutation(dims.length, ps);
    const n = numel(dims) * u;
    const x = seededWords(ctor, n, ds);
    const a = poisoned(ctor, n), b = poisoned(ctor, n);
    transpose(a, x, dims, perm, u);
    transposeRef(b, x, dims, perm, u);
    assert.equal(a, b);
  }), PROP);
});

test('transpose fast == reference across tile edges (dims around 16 and 64, uneven splits)', () => {
  const big = fc.array(fc.oneof(fc.constantFrom(1, 15, 16, 17, 49, 63, 64, 65, 129), fc.integer({ min: 1, max: 300 })), { minLength: 2, maxLength: 3 })
    .filter((s) => numel(s) <= 80000);
  fc.assert(fc.property(big, seed, unit, (dims, ps, u) => {
    const perm = permutation(dims.length, ps);
    const n = numel(dims) * u;
    const x = seededWords(Int32Array, n, ps);
    const a = poisoned(Int32Array, n), b = poisoned(Int32Array, n);
    transpose(a, x, dims, perm, u);
    transposeRef(b, x, dims, perm, u);
    assert.equal(a, b);
  }), { numRuns: 60 });
});

test('transpose by perm then by its inverse is the identity', () => {
  fc.assert(fc.property(shape(1, 5, 7, 2000), seed, (dims, ps) => {
    const perm = permutation(dims.length, ps);
    const inv = perm.map((_, i) => perm.indexOf(i));
    const x = seededWords(Uint16Array, numel(dims), ps);
    const y = new Uint16Array(x.length), z = new Uint16Array(x.length);
    transpose(y, x, dims, perm);
    transpose(z, y, perm.map((a) => dims[a]!), inv);
    assert.equal(z, x);
  }), { numRuns: 100 });
});

test.run();
