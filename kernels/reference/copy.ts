// Reference twins of kernels/copy.ts: one word at a time, indices computed from scratch.
// Follows caffe2/operators/concat_split_op.h (CopyMatrix per input), slice_op.h (SliceImpl),
// numpy_tile_op.h, conditional_op.cc and utility_ops.h (ScatterAssignOp::DoScatterAssign).

export type Words = Int32Array | Uint16Array | Uint8Array;

export function copyWords(dst: Words, d: number, src: Words, s: number, n: number): void {
  for (let k = 0; k < n; k++) dst[d + k] = src[s + k]!;
}

export function concatAxis(out: Words, parts: readonly Words[], outer: number, inners: readonly number[]): void {
  const total = inners.reduce((a, b) => a + b, 0);
  for (let o = 0; o < outer; o++) {
    let off = 0;
    for (let k = 0; k < parts.length; k++) {
      for (let j = 0; j < inners[k]!; j++) out[o * total + off + j] = parts[k]![o * inners[k]! + j]!;
      off += inners[k]!;
    }
  }
}

export function splitAxis(outs: readonly Words[], x: Words, outer: number, inners: readonly number[]): void {
  const total = inners.reduce((a, b) => a + b, 0);
  for (let o = 0; o < outer; o++) {
    let off = 0;
    for (let k = 0; k < outs.length; k++) {
      for (let j = 0; j < inners[k]!; j++) outs[k]![o * inners[k]! + j] = x[o * total + off + j]!;
      off += inners[k]!;
    }
  }
}

export function sliceAxis(out: Words, x: Words, outer: number, srcInner: number, offset: number, len: number): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < len; j++) out[o * len + j] = x[o * srcInner + offset + j]!;
  }
}

export function tile(out: Words, x: Words, dims: readonly number[], reps: readonly number[], unit: number): void {
  const r = dims.length;
  const odims = dims.map((d, k) => d * reps[k]!);
  const total = odims.reduce((a, b) => a * b, 1);
  for (let i = 0; i < total; i++) {
    // output multi-index -> input index (each coordinate modulo the input dim)
    let rem = i, src = 0, stride = 1;
    for (let k = r - 1; k >= 0; k--) {
      const c = rem % odims[k]!;
      rem = Math.floor(rem / odims[k]!);
      src += (c % dims[k]!) * stride;
      stride *= dims[k]!;
    }
    for (let u = 0; u < unit; u++) out[i * unit + u] = x[src * unit + u]!;
  }
}

export function selectRows(out: Words, cond: Uint8Array, a: Words, b: Words, inner: number): void {
  for (let i = 0; i < cond.length; i++) {
    for (let j = 0; j < inner; j++) out[i * inner + j] = cond[i] !== 0 ? a[i * inner + j]! : b[i * inner + j]!;
  }
}

export function scatterRows(data: Words, idx: Int32Array, slices: Words, inner: number, n = idx.length): void {
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < inner; j++) data[idx[k]! * inner + j] = slices[k * inner + j]!;
  }
}
