// numpy's float64 summation order (pairwise, 8 accumulators, blocks of 128) and linspace,
// against values numpy 2.4 computed for the same inputs (hard-coded below).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { linspace, npMean, pairwiseSum } from '../../src/eval/numeric.js';

/** Values of mixed sign spanning 1e-8..1e8 from a 32-bit LCG (the same sequence was fed to numpy). */
function lcg(n: number, seed: number): number[] {
  const out: number[] = [];
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0; // (s * 1103515245 + 12345) mod 2^32
    out.push((s / 2 ** 32 - 0.5) * 10 ** (((i * 7) % 17) - 8));
  }
  return out;
}

// [n, seed, np.sum, np.mean, Python's left-to-right sum]
const NUMPY: [number, number, number, number, number][] = [
  [7, 1, -345200.06800095405, -49314.29542870772, -345200.06800095405],
  [9, 2, -591415.6348549265, -65712.84831721405, -591415.6348549265],
  [20, 3, -28989064.714409664, -1449453.2357204831, -28989064.714409668],
  [129, 4, 110281547.46325356, 854895.7167694074, 110281547.46325356],
  [300, 5, -5564181.120069832, -18547.270400232774, -5564181.12006994],
  [1010, 6, 287120913.62705624, 284278.1323040161, 287120913.62705624],
];

test('pairwiseSum / npMean equal np.sum / np.mean bit for bit (where a left-to-right sum does not)', () => {
  for (const [n, seed, sum, mean, naive] of NUMPY) {
    const a = lcg(n, seed);
    assert.is(pairwiseSum(a, 0, n), sum, `n=${n} sum`);
    assert.is(npMean(a), mean, `n=${n} mean`);
    assert.is(a.reduce((x, y) => x + y, 0), naive, `n=${n}: the sequence itself matches the one numpy saw`);
  }
});

test('linspace: i * step + start with the last point forced (np.linspace)', () => {
  assert.equal(Array.from(linspace(0.5, 0.95, 10)), [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.8999999999999999, 0.95]);
  const r = linspace(0, 1, 101);
  assert.is(r[7], 0.07);
  assert.is(r[29], 0.29);
  assert.is(r[100], 1);
});

test.run();
