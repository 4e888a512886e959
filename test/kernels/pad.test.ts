import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { padImage, type PadMode } from '../../kernels/pad.js';
import { padImage as padRef } from '../../kernels/reference/pad.js';
import { PROP, seed } from '../helpers/arb.js';
import { poisoned, seededWords, wordCtor } from '../helpers/words.js';

const geom = (H: number, W: number, t: number, l: number, b: number, r: number, outer = 1, inner = 1) =>
  ({ outer, H, W, inner, oH: H + t + b, oW: W + l + r, padT: t, padL: l });

test('padImage hand-computed on [[1,2,3],[4,5,6]] with pads [1,1,0,2]', () => {
  const x = Int32Array.of(1, 2, 3, 4, 5, 6);
  const run = (mode: PadMode): number[] => {
    const y = new Int32Array(18);
    padImage(y, x, geom(2, 3, 1, 1, 0, 2), mode, Int32Array.of(9));
    return Array.from(y);
  };
  assert.equal(run('constant'), [9, 9, 9, 9, 9, 9, 9, 1, 2, 3, 9, 9, 9, 4, 5, 6, 9, 9]);
  assert.equal(run('edge'), [1, 1, 2, 3, 3, 3, 1, 1, 2, 3, 3, 3, 4, 4, 5, 6, 6, 6]);
  assert.equal(run('reflect'), [5, 4, 5, 6, 5, 4, 2, 1, 2, 3, 2, 1, 5, 4, 5, 6, 5, 4]);
});

test('padImage crops with negative pads', () => {
  const y = new Int32Array(2);
  padImage(y, Int32Array.of(1, 2, 3, 4, 5, 6), geom(2, 3, -1, -1, 0, 0), 'constant', Int32Array.of(0));
  assert.equal(Array.from(y), [5, 6]);
});

// H, W >= 1; pads in [-2, 4], clamped so reflect stays in range and the output is not negative
const padCase = fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 40 }), fc.array(fc.integer({ min: -2, max: 4 }), { minLength: 4, maxLength: 4 }),
  fc.constantFrom<PadMode>('constant', 'reflect', 'edge'), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 3 }), seed, wordCtor);

test('padImage fast == reference: every mode, negative pads, several planes and inner sizes', () => {
  fc.assert(fc.property(padCase, ([H, W, p, mode, outer, inner, s, ctor]) => {
    let [t, l, b, r] = p as [number, number, number, number];
    if (mode === 'reflect') { t = Math.min(t, H - 1); b = Math.min(b, H - 1); l = Math.min(l, W - 1); r = Math.min(r, W - 1); }
    if (H + t + b < 0 || W + l + r < 0) return;
    const g = geom(H, W, t, l, b, r, outer, inner);
    const x = seededWords(ctor, outer * H * W * inner, s);
    const fill = seededWords(ctor, inner, s + 1);
    const n = outer * g.oH * g.oW * inner;
    const a = poisoned(ctor, n), c = poisoned(ctor, n);
    padImage(a, x, g, mode, fill);
    padRef(c, x, g, mode, fill);
    assert.equal(a, c);
  }), PROP);
});

test.run();
