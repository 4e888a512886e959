import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as fast from '../../kernels/copy.js';
import * as ref from '../../kernels/reference/copy.js';
import { PROP, dim, seed, shape } from '../helpers/arb.js';
import { numel, poisoned, seededWords, unit, wordCtor } from '../helpers/words.js';

test('concatAxis / splitAxis hand-computed: [2,1] ++ [2,2] along axis 1', () => {
  const y = new Int32Array(6);
  fast.concatAxis(y, [Int32Array.of(1, 2), Int32Array.of(3, 4, 5, 6)], 2, [1, 2]);
  assert.equal(Array.from(y), [1, 3, 4, 2, 5, 6]);
  const a = new Int32Array(2), b = new Int32Array(4);
  fast.splitAxis([a, b], y, 2, [1, 2]);
  assert.equal([Array.from(a), Array.from(b)], [[1, 2], [3, 4, 5, 6]]);
});

test('tile hand-computed: numpy.tile([[1,2],[3,4]], (2,3))', () => {
  const y = new Int32Array(24);
  fast.tile(y, Int32Array.of(1, 2, 3, 4), [2, 2], [2, 3], 1);
  assert.equal(Array.from(y), [1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4, 1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4]);
});

test('selectRows and scatterRows hand-computed (later duplicate index wins)', () => {
  const y = new Int32Array(4);
  fast.selectRows(y, Uint8Array.of(0, 1), Int32Array.of(1, 2, 3, 4), Int32Array.of(5, 6, 7, 8), 2);
  assert.equal(Array.from(y), [5, 6, 3, 4]);
  const d = new Int32Array(6);
  fast.scatterRows(d, Int32Array.of(2, 0, 2), Int32Array.of(1, 2, 3, 4, 5, 6), 2);
  assert.equal(Array.from(d), [3, 4, 0, 0, 5, 6]);
});

// one concat layout: outer rows, and per part an inner size (words), with 0 and odd sizes
const layout = fc.tuple(dim(7), fc.array(dim(40), { minLength: 1, maxLength: 5 }), seed, wordCtor);

test('concatAxis and splitAxis fast == reference, and split inverts concat', () => {
  fc.assert(fc.property(layout, ([outer, inners, s, ctor]) => {
    const parts = inners.map((n, k) => seededWords(ctor, outer * n, s + k));
    const total = outer * inners.reduce((a, b) => a + b, 0);
    const a = poisoned(ctor, total), b = poisoned(ctor, total);
    fast.concatAxis(a, parts, outer, inners);
    ref.concatAxis(b, parts, outer, inners);
    assert.equal(a, b);
    const back = inners.map((n) => poisoned(ctor, outer * n)), backRef = inners.map((n) => poisoned(ctor, outer * n));
    fast.splitAxis(back, a, outer, inners);
    ref.splitAxis(backRef, a, outer, inners);
    assert.equal(back, backRef);
    assert.equal(back, parts);
  }), PROP);
});

test('sliceAxis fast == reference for every in-range window', () => {
  fc.assert(fc.property(dim(7), dim(70), fc.nat(), fc.nat(), seed, wordCtor, (outer, inner, p, q, s, ctor) => {
    const offset = inner ? p % (inner + 1) : 0, len = inner - offset ? q % (inner - offset + 1) : 0;
    const x = seededWords(ctor, outer * inner, s);
    const a = poisoned(ctor, outer * len), b = poisoned(ctor, outer * len);
    fast.sliceAxis(a, x, outer, inner, offset, len);
    ref.sliceAxis(b, x, outer, inner, offset, len);
    assert.equal(a, b);
  }), PROP);
});

test('tile fast == reference: random shapes, repeat counts 0..3, units', () => {
  fc.assert(fc.property(shape(0, 4, 5, 200), seed, unit, wordCtor, (dims, s, u, ctor) => {
    const reps = dims.map((_, i) => (s >>> (2 * i)) & 3);
    const x = seededWords(ctor, numel(dims) * u, s);
    const n = numel(dims.map((d, i) => d * reps[i]!)) * u;
    const a = poisoned(ctor, n), b = poisoned(ctor, n);
    fast.tile(a, x, dims, reps, u);
    ref.tile(b, x, dims, reps, u);
    assert.equal(a, b);
  }), PROP);
});

test('selectRows and scatterRows fast == reference', () => {
  fc.assert(fc.property(dim(9), dim(40), seed, wordCtor, (rows, inner, s, ctor) => {
    const cond = Uint8Array.from({ length: rows }, (_, i) => (s >>> i) & 1);
    const t = seededWords(ctor, rows * inner, s), f = seededWords(ctor, rows * inner, s + 1);
    const a = poisoned(ctor, rows * inner), b = poisoned(ctor, rows * inner);
    fast.selectRows(a, cond, t, f, inner);
    ref.selectRows(b, cond, t, f, inner);
    assert.equal(a, b);
    if (rows === 0) return;
    const idx = Int32Array.from({ length: rows + 2 }, (_, i) => ((s >>> i) * 7 + i) % rows);
    const sl = seededWords(ctor, idx.length * inner, s + 2);
    const d1 = t.slice(), d2 = t.slice();
    fast.scatterRows(d1, idx, sl, inner);
    ref.scatterRows(d2, idx, sl, inner);
    assert.equal(d1, d2);
  }), PROP);
});

test.run();
