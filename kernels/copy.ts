// Data movement without arithmetic: concat, split, slice, tile, row select and row scatter.
// Every kernel moves raw words (Int32Array for 4- and 8-byte elements, Uint16Array, Uint8Array),
// so one code path serves every dtype bit-exactly; sizes are in words, the caller scales by
// words-per-element. Semantics: caffe2/operators/concat_split_op.h, slice_op.h,
// numpy_tile_op.h, conditional_op.cc, utility_ops.h (ScatterAssign).

export type Words = Int32Array | Uint16Array | Uint8Array;

/** Copies n words; a loop for short runs (no subarray object), set() for long ones. */
export function copyWords(dst: Words, d: number, src: Words, s: number, n: number): void {
  if (n < 32) {
    for (let k = 0; k < n; k++) dst[d + k] = src[s + k]!;
  } else {
    dst.set(src.subarray(s, s + n), d);
  }
}

/**
 * Concat along one axis. Input k is [outer, inners[k]] words; out is [outer, sum(inners)].
 * Empty inputs (inner 0) contribute nothing.
 */
export function concatAxis(out: Words, parts: readonly Words[], outer: number, inners: readonly number[]): void {
  let total = 0;
  for (const n of inners) total += n;
  let off = 0;
  for (let k = 0; k < parts.length; k++) {
    const src = parts[k]!, n = inners[k]!;
    if (n === 0) continue;
    for (let o = 0; o < outer; o++) copyWords(out, o * total + off, src, o * n, n);
    off += n;
  }
}

/** Split along one axis: the inverse of concatAxis. x is [outer, sum(inners)]. */
export function splitAxis(outs: readonly Words[], x: Words, outer: number, inners: readonly number[]): void {
  let total = 0;
  for (const n of inners) total += n;
  let off = 0;
  for (let k = 0; k < outs.length; k++) {
    const dst = outs[k]!, n = inners[k]!;
    if (n === 0) continue;
    for (let o = 0; o < outer; o++) copyWords(dst, o * n, x, o * total + off, n);
    off += n;
  }
}

/**
 * One-axis slice: x is [outer, srcInner] words, out is [outer, len]; row o of out is
 * x[o, offset .. offset + len).
 */
export function sliceAxis(out: Words, x: Words, outer: number, srcInner: number, offset: number, len: number): void {
  if (len === 0) return;
  for (let o = 0; o < outer; o++) copyWords(out, o * len, x, o * srcInner + offset, len);
}

/**
 * numpy.tile: out[i0, .., ik] = x[i0 % d0, .., ik % dk]. dims are x's dims, reps the repeat
 * counts per axis, unit the words per element. Each output row (innermost axis) is one input
 * row written once and then doubled with copyWithin.
 */
export function tile(out: Words, x: Words, dims: readonly number[], reps: readonly number[], unit: number): void {
  const r = dims.length;
  let total = unit;
  for (let k = 0; k < r; k++) total *= dims[k]! * reps[k]!;
  if (total === 0) return;
  if (r === 0) { copyWords(out, 0, x, 0, unit); return; }
  const rowIn = dims[r - 1]! * unit, rowOut = rowIn * reps[r - 1]!;
  const rows = total / rowOut;
  // odometer over the output's outer axes; srcRow tracks the matching input row
  const idx = new Array<number>(r - 1).fill(0);
  const inStride = new Array<number>(r - 1);
  let acc = 1;
  for (let k = r - 2; k >= 0; k--) { inStride[k] = acc; acc *= dims[k]!; }
  let srcRow = 0;
  for (let row = 0; row < rows; row++) {
    const o = row * rowOut;
    copyWords(out, o, x, srcRow * rowIn, rowIn);
    for (let have = rowIn; have < rowOut; have *= 2) out.copyWithin(o + have, o, o + Math.min(have, rowOut - have));
    for (let k = r - 2; k >= 0; k--) {
      idx[k]!++;
      srcRow += inStride[k]!;
      if (idx[k]! % dims[k]! === 0) srcRow -= dims[k]! * inStride[k]!;
      if (idx[k]! < dims[k]! * reps[k]!) break;
      idx[k] = 0;
    }
  }
}

/** Conditional: row i of out is row i of a where cond[i] != 0, else of b. Rows are `inner` words. */
export function selectRows(out: Words, cond: Uint8Array, a: Words, b: Words, inner: number): void {
  for (let i = 0; i < cond.length; i++) copyWords(out, i * inner, cond[i] ? a : b, i * inner, inner);
}

/** ScatterAssign: row idx[k] of data = row k of slices (rows of `inner` words; later rows win). */
export function scatterRows(data: Words, idx: Int32Array, slices: Words, inner: number, n = idx.length): void {
  for (let k = 0; k < n; k++) copyWords(data, idx[k]! * inner, slices, k * inner, inner);
}
