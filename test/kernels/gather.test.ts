import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { gather } from '../../kernels/gather.js';
import { gather as gatherRef } from '../../kernels/reference/gather.js';
import { PROP, dim, seed } from '../helpers/arb.js';
import { poisoned, seededWords, unit, wordCtor } from '../helpers/words.js';

test('gather hand-computed: rows [2, 0, 2] of a [3, 2] matrix, and per-batch indices', () => {
  const y = new Int32Array(6);
  gather(y, Int32Array.of(1, 2, 3, 4, 5, 6), Int32Array.of(2, 0, 2), 1, 3, 2, 3, false);
  assert.equal(Array.from(y), [5, 6, 1, 2, 5, 6]);
  // match_outer: batch 0 takes column 1, batch 1 takes column 0 of a [2, 3] matrix
  const z = new Int32Array(2);
  gather(z, Int32Array.of(1, 2, 3, 4, 5, 6), Int32Array.of(1, 0), 2, 3, 1, 1, true);
  assert.equal(Array.from(z), [2, 4]);
});

test('gather fast == reference: outer/axis/block sizes incl. 0 and odd, shared and per-batch indices', () => {
  fc.assert(fc.property(dim(6), fc.integer({ min: 1, max: 9 }), dim(20), dim(9), fc.boolean(), seed, unit, wordCtor,
    (outer, axisDim, block0, n, perBatch, s, u, ctor) => {
      const block = block0 * u;
      const x = seededWords(ctor, outer * axisDim * block, s);
      const idx = Int32Array.from({ length: perBatch ? outer * n : n }, (_, i) => ((s >>> (i % 16)) + i * 5) % axisDim);
      const a = poisoned(ctor, outer * n * block), b = poisoned(ctor, outer * n * block);
      gather(a, x, idx, outer, axisDim, block, n, perBatch);
      gatherRef(b, x, idx, outer, axisDim, block, n, perBatch);
      assert.equal(a, b);
    }), PROP);
});

test.run();
