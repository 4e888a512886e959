// Reference twin of kernels/gather.ts: one output word at a time
// (caffe2/operators/gather_op.h gather_impl, the generic CopyItemsSameDevice branch).

import type { Words } from './copy.js';

export function gather(
  out: Words, data: Words, idx: Int32Array,
  outer: number, axisDim: number, block: number, n: number, perBatch: boolean,
): void {
  for (let b = 0; b < outer; b++) {
    for (let i = 0; i < n; i++) {
      const j = perBatch ? idx[b * n + i]! : idx[i]!;
      for (let k = 0; k < block; k++) out[(b * n + i) * block + k] = data[(b * axisDim + j) * block + k]!;
    }
  }
}
