// numpy's arithmetic where pycocotools' numbers depend on it: linspace and pairwise summation
// (np.sum / np.mean over float64). searchsorted is a merge walk inside accumulate.

/** np.linspace(start, stop, num): i * step + start, with the last point forced to `stop`. */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const y = new Float64Array(num);
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) y[i] = i * step + start;
  if (num > 1) y[num - 1] = stop;
  return y;
}

/**
 * numpy's pairwise float64 sum of a[start .. start+n): 8 accumulators within blocks of 128,
 * halving (at multiples of 8) above that. Bit-identical to np.add.reduce on a contiguous array.
 */
export function pairwiseSum(a: ArrayLike<number>, start: number, n: number): number {
  if (n < 8) {
    let res = -0;
    for (let i = 0; i < n; i++) res += a[start + i]!;
    return res;
  }
  if (n <= 128) {
    let r0 = a[start]!, r1 = a[start + 1]!, r2 = a[start + 2]!, r3 = a[start + 3]!;
    let r4 = a[start + 4]!, r5 = a[start + 5]!, r6 = a[start + 6]!, r7 = a[start + 7]!;
    let i = 8;
    const end = n - (n % 8);
    for (; i < end; i += 8) {
      const p = start + i;
      r0 += a[p]!; r1 += a[p + 1]!; r2 += a[p + 2]!; r3 += a[p + 3]!;
      r4 += a[p + 4]!; r5 += a[p + 5]!; r6 += a[p + 6]!; r7 += a[p + 7]!;
    }
    let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) res += a[start + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

/** np.mean of a float64 vector: (0 + pairwise sum) / n; NaN when empty. */
export function npMean(a: ArrayLike<number>, n = a.length): number {
  return (0 + pairwiseSum(a, 0, n)) / n;
}
