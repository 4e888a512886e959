// Reductions over a planReduce geometry (kernels/broadcast.ts: X walks, the kept shape repeats),
// ArgMax/ArgMin along one axis, and TopK. Layout: row-major; an axis op sees X as
// [prev, n, next]. Semantics: caffe2/operators/reduce_ops.h + utils/math/reduce.cc,
// arg_ops.cc (first extremum wins), top_k.cc (value descending, lower index first on ties).

import type { Broadcast } from './broadcast.js';

// MEAN scales the sum by outSize/xSize (math::ReduceMean); MEAN_DIV divides it by the count
// (ReduceFrontMean/ReduceBackMean): the two round differently in float32.
export const SUM = 0, MEAN = 1, MAX = 2, MIN = 3, MEAN_DIV = 4;

export type NumArray = Float32Array | Float64Array | Int32Array;

/** The value an empty reduction gives (Caffe2 kInit: 0 for sums, lowest()/max() for Max/Min). */
function emptyValue(op: number, out: NumArray): number {
  if (op !== MAX && op !== MIN) return 0;
  const big = out instanceof Float32Array ? 3.4028234663852886e38 : out instanceof Int32Array ? 2147483647 : Number.MAX_VALUE;
  return op === MAX ? (out instanceof Int32Array ? -2147483648 : -big) : big;
}

/**
 * out = reduce(x) over the dims that bc's kept shape sets to 1. `acc` (float64, at least
 * out.length) accumulates, so float32 sums round once at the end; int32 sums wrap on store as
 * in C++. Mean multiplies the rounded sum by outSize/xSize computed in the output's precision
 * (math::ReduceMean). Max/Min skip NaN, as std::max(acc, x) does.
 */
export function reduceNum(op: number, out: NumArray, x: NumArray, bc: Broadcast, acc: Float64Array): void {
  const m = out.length;
  const init = op === MAX ? -Infinity : op === MIN ? Infinity : 0;
  for (let i = 0; i < m; i++) acc[i] = init;
  const { n, rows, aRow, bRow, bInner } = bc;
  for (let r = 0; r < rows; r++) {
    const ia = aRow[r]!, ib = bRow[r]!;
    if (bInner === 0) {
      let s = acc[ib]!;
      if (op === MAX) for (let i = 0; i < n; i++) { const v = x[ia + i]!; if (v > s) s = v; }
      else if (op === MIN) for (let i = 0; i < n; i++) { const v = x[ia + i]!; if (v < s) s = v; }
      else for (let i = 0; i < n; i++) s += x[ia + i]!;
      acc[ib] = s;
    } else if (op === MAX) {
      for (let i = 0; i < n; i++) { const v = x[ia + i]!; if (v > acc[ib + i]!) acc[ib + i] = v; }
    } else if (op === MIN) {
      for (let i = 0; i < n; i++) { const v = x[ia + i]!; if (v < acc[ib + i]!) acc[ib + i] = v; }
    } else {
      for (let i = 0; i < n; i++) acc[ib + i] += x[ia + i]!;
    }
  }
  if (x.length === 0) { out.fill(emptyValue(op, out)); return; }
  if (op === MEAN || op === MEAN_DIV) {
    const f32 = out instanceof Float32Array;
    if (op === MEAN_DIV) {
      const count = x.length / m;
      for (let i = 0; i < m; i++) out[i] = (f32 ? Math.fround(acc[i]!) : acc[i]!) / count;
      return;
    }
    const scale = f32 ? Math.fround(m / x.length) : m / x.length;
    for (let i = 0; i < m; i++) out[i] = (f32 ? Math.fround(acc[i]!) : acc[i]!) * scale;
    return;
  }
  for (let i = 0; i < m; i++) out[i] = acc[i]!;
}

/** int64 reductions, exact (sums wrap modulo 2^64). Mean is not defined for integers here. */
export function reduceI64(op: number, out: BigInt64Array, x: BigInt64Array, bc: Broadcast): void {
  const init = op === MAX ? -(1n << 63n) : op === MIN ? (1n << 63n) - 1n : 0n;
  out.fill(init);
  const { n, rows, aRow, bRow, bInner } = bc;
  for (let r = 0; r < rows; r++) {
    let ia = aRow[r]!, ib = bRow[r]!;
    for (let i = 0; i < n; i++, ia++, ib += bInner) {
      const v = x[ia]!, s = out[ib]!;
      out[ib] = op === MAX ? (v > s ? v : s) : op === MIN ? (v < s ? v : s) : s + v;
    }
  }
}

type AnyNum = Float32Array | Float64Array | Int32Array | BigInt64Array;

/**
 * Index of the first maximum (or minimum) along n for each (prev, next) position (arg_ops.cc
 * ComputeArgImpl: strictly greater replaces, so ties keep the lower index and a NaN never
 * replaces; a NaN at index 0 stays). n = 0 gives 0.
 */
export function argExtremum(isMax: boolean, out: BigInt64Array, x: AnyNum, prev: number, n: number, next: number): void {
  for (let i = 0; i < prev; i++) {
    const base = i * n * next;
    for (let j = 0; j < next; j++) {
      let best = 0;
      if (n > 0) {
        let bv = x[base + j]!;
        for (let k = 1, p = base + next + j; k < n; k++, p += next) {
          const v = x[p]!;
          if (isMax ? v > bv : v < bv) { best = k; bv = v; }
        }
      }
      out[i * next + j] = BigInt(best);
    }
  }
}

/** TopK's element types (float32 as in Caffe2; the others as an extension, ONNX TopK takes them). */
export type TopKArray = Float32Array | Float64Array | Int32Array | BigInt64Array;

// TopK order: a NaN ranks above every number (as in PyTorch; Caffe2's heap left NaN order
// undefined), then larger values, then the lower index.
function ranksAbove(x: TopKArray, i: number, j: number, pi: number, pj: number): boolean {
  const a = x[i]!, b = x[j]!;
  if (a !== a) return b === b || pi < pj;
  if (b !== b) return false;
  return a > b || (a === b && pi < pj);
}

/**
 * The k best of each of the prev*next slices of length n (stride next) into values/indices of
 * shape [prev, k, next]; positions past n hold 0 and -1 (top_k.cc). `flat` (optional) gets
 * the index into flattened X. `heap` is scratch of at least k entries: a min-heap (worst on
 * top) of positions along n, so a slice costs O(n log k).
 */
export function topK(values: TopKArray, indices: BigInt64Array, flat: BigInt64Array | undefined, x: TopKArray,
  prev: number, n: number, next: number, k: number, heap: Int32Array): void {
  const kk = Math.min(k, n);
  const zero = values instanceof BigInt64Array ? 0n : 0;
  for (let i = 0; i < prev; i++) {
    for (let j = 0; j < next; j++) {
      const src = i * n * next + j, dst = i * k * next + j;
      let size = 0;
      for (let p = 0; p < n; p++) {
        if (size < kk) {
          // sift up: the new entry rises while it ranks below its parent
          let c = size++;
          while (c > 0) {
            const par = (c - 1) >> 1, q = heap[par]!;
            if (!ranksAbove(x, src + q * next, src + p * next, q, p)) break;
            heap[c] = q; c = par;
          }
          heap[c] = p;
        } else if (kk > 0 && ranksAbove(x, src + p * next, src + heap[0]! * next, p, heap[0]!)) {
          siftDown(heap, size, p, x, src, next);
        }
      }
      // pop worst-first into the back of the output slice
      for (let s = size - 1; s >= 0; s--) {
        const top = heap[0]!;
        const o = dst + s * next;
        values[o] = x[src + top * next]!;
        indices[o] = BigInt(top);
        if (flat) flat[o] = BigInt(src + top * next);
        const last = heap[s]!;
        if (s > 0) siftDown(heap, s, last, x, src, next);
      }
      for (let s = kk; s < k; s++) {
        const o = dst + s * next;
        values[o] = zero; indices[o] = -1n;
        if (flat) flat[o] = -1n;
      }
    }
  }
}

/** Places position p at the heap root and sifts it down among the first `size` entries. */
function siftDown(heap: Int32Array, size: number, p: number, x: TopKArray, src: number, next: number): void {
  let c = 0;
  for (;;) {
    let w = 2 * c + 1;
    if (w >= size) break;
    const r = w + 1;
    // the child that ranks lower is the worse one
    if (r < size && ranksAbove(x, src + heap[w]! * next, src + heap[r]! * next, heap[w]!, heap[r]!)) w = r;
    if (!ranksAbove(x, src + p * next, src + heap[w]! * next, p, heap[w]!)) break;
    heap[c] = heap[w]!; c = w;
  }
  heap[c] = p;
}
