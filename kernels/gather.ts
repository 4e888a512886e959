// Gather along one axis (caffe2/operators/gather_op.h, gather_impl): data is
// [outer, axisDim, block] words, out is [outer, n, block]. Indices arrive already wrapped and
// range-checked (the op does that, with a message naming the bad index); with perBatch
// (match_outer) index row b serves batch b, otherwise one row of n indices serves every batch.

import { copyWords, type Words } from './copy.js';

export function gather(
  out: Words, data: Words, idx: Int32Array,
  outer: number, axisDim: number, block: number, n: number, perBatch: boolean,
): void {
  const srcBatch = axisDim * block, dstBatch = n * block;
  if (block === 1) {
    for (let b = 0; b < outer; b++) {
      const s = b * srcBatch, d = b * dstBatch, ib = perBatch ? b * n : 0;
      for (let i = 0; i < n; i++) out[d + i] = data[s + idx[ib + i]!]!;
    }
    return;
  }
  for (let b = 0; b < outer; b++) {
    const s = b * srcBatch, d = b * dstBatch, ib = perBatch ? b * n : 0;
    for (let i = 0; i < n; i++) copyWords(out, d + i * block, data, s + idx[ib + i]! * block, block);
  }
}
