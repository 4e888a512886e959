// detectron2's paste_masks_in_image (layers/mask_ops.py, CPU path): each M x M probability map is
// sampled with F.grid_sample(bilinear, zeros padding, align_corners=False) at the centres of the
// image pixels inside [floor(x0)-1, ceil(x1)+1) x [floor(y0)-1, ceil(y1)+1), then thresholded
// (>= threshold). float32 throughout, in the operation order of torch's vectorised CPU kernel.

const f = Math.fround;

/**
 * Pastes one mask. `box` is (x0, y0, x1, y1) in image pixels; returns a row-major H x W 0/1 mask.
 * A degenerate box gives NaN grid coordinates, which sample to 0, as in torch.
 */
export function pasteMasks(probs: ArrayLike<number>, M: number, box: ArrayLike<number>, H: number, W: number, threshold = 0.5): Uint8Array {
  const out = new Uint8Array(H * W);
  const x0 = box[0]!, y0 = box[1]!, x1 = box[2]!, y1 = box[3]!;
  const xs = Math.max(Math.floor(x0) - 1, 0), ys = Math.max(Math.floor(y0) - 1, 0);
  const xe = Math.min(Math.ceil(x1) + 1, W), ye = Math.min(Math.ceil(y1) + 1, H);
  if (xe <= xs || ye <= ys) return out;
  const bw = f(x1 - x0), bh = f(y1 - y0);
  // grid_sample's unnormalize for align_corners=False: (g + 1) * (size / 2) - 0.5.
  const half = f(M / 2);
  const gx = new Float32Array(xe - xs);
  for (let x = xs; x < xe; x++) {
    const g = f(f(f(f(f(x + 0.5) - x0) / bw) * 2) - 1);
    gx[x - xs] = f(f(f(g + 1) * half) - 0.5);
  }
  const thr = threshold;
  for (let y = ys; y < ye; y++) {
    const g = f(f(f(f(f(y + 0.5) - y0) / bh) * 2) - 1);
    const iy = f(f(f(g + 1) * half) - 0.5);
    const yn = Math.floor(iy);
    if (!(yn >= -1 && yn < M)) continue; // NaN or both rows outside: every sample is 0
    const n = f(iy - yn), s = f(1 - n);
    const rowN = yn >= 0 ? yn * M : -1, rowS = yn + 1 < M ? (yn + 1) * M : -1;
    const o = y * W;
    for (let x = xs; x < xe; x++) {
      const ix = gx[x - xs]!;
      const xw = Math.floor(ix);
      if (!(xw >= -1 && xw < M)) continue;
      const w = f(ix - xw), e = f(1 - w);
      const inW = xw >= 0, inE = xw + 1 < M;
      const nw = rowN >= 0 && inW ? probs[rowN + xw]! : 0;
      const ne = rowN >= 0 && inE ? probs[rowN + xw + 1]! : 0;
      const sw = rowS >= 0 && inW ? probs[rowS + xw]! : 0;
      const se = rowS >= 0 && inE ? probs[rowS + xw + 1]! : 0;
      const v = f(f(f(f(nw * f(s * e)) + f(ne * f(s * w))) + f(sw * f(n * e))) + f(se * f(n * w)));
      if (v >= thr) out[o + x] = 1;
    }
  }
  return out;
}
