// Reference twin of kernels/transpose.ts: for every output element, the input element at the
// permuted coordinates (caffe2/utils/math/transpose.cc TransposeND, without its axis merging).

import type { Words } from './copy.js';

export function transpose(out: Words, x: Words, dims: readonly number[], perm: readonly number[], unit = 1): void {
  const r = dims.length;
  const inStride = new Array<number>(r);
  let acc = 1;
  for (let k = r - 1; k >= 0; k--) { inStride[k] = acc; acc *= dims[k]!; }
  const total = acc;
  const odims = perm.map((a) => dims[a]!);
  for (let i = 0; i < total; i++) {
    let rem = i, src = 0;
    for (let k = r - 1; k >= 0; k--) {
      const c = rem % odims[k]!;
      rem = Math.floor(rem / odims[k]!);
      src += c * inStride[perm[k]!]!;
    }
    for (let w = 0; w < unit; w++) out[i * unit + w] = x[src * unit + w]!;
  }
}
