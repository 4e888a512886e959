// HeatmapMaxKeypoint (Caffe2 heatmap_max_keypoint_op.cc): per RoI and keypoint, the first maximum
// of the S x S heatmap, refined by one Newton step of a quadratic fit on its 3x3 neighbourhood
// (mirrored at the border). Heatmaps [N, K, S, S], boxes [N, >= 4] (x0, y0, x1, y1 first);
// keypoints [N, 4, K] rows x, y, refined score, softmax probability at the maximum (or 0).
// Float32 like the C++ except the 2x2 solve: Cramer's rule in double where Caffe2 uses an Eigen
// LDLT (they agree to float rounding). The softmax does not subtract the maximum, as Caffe2.

const f = Math.fround;
const MAX_DELTA = 1.5;

export function heatmapMaxKeypoint(
  out: Float32Array, maps: Float32Array, boxes: Float32Array, boxCols: number, N: number, K: number, S: number, softmax: boolean,
): void {
  const SS = S * S;
  for (let k = 0; k < N; k++) {
    const x0 = boxes[k * boxCols]!, y0 = boxes[k * boxCols + 1]!;
    const xLen = Math.max(f(boxes[k * boxCols + 2]! - x0), 1), yLen = Math.max(f(boxes[k * boxCols + 3]! - y0), 1);
    for (let j = 0; j < K; j++) {
      const m = (k * K + j) * SS;
      let maxScore = maps[m]!;
      for (let c = 1; c < SS; c++) if (maps[m + c]! > maxScore) maxScore = maps[m + c]!;
      let maxIndex = 0;
      while (maxIndex < SS - 1 && maps[m + maxIndex] !== maxScore) maxIndex++;
      const maxY = (maxIndex / S) | 0, maxX = maxIndex - maxY * S;
      // 3x3 neighbourhood; an offset past the border is mirrored to the other side
      const r0 = (maxY > 0 ? maxY - 1 : maxY + 1) * S, r1 = maxY * S, r2 = (maxY + 1 < S ? maxY + 1 : maxY - 1) * S;
      const c0 = maxX > 0 ? maxX - 1 : maxX + 1, c1 = maxX, c2 = maxX + 1 < S ? maxX + 1 : maxX - 1;
      const f00 = maps[m + r0 + c0]!, f01 = maps[m + r0 + c1]!, f02 = maps[m + r0 + c2]!;
      const f10 = maps[m + r1 + c0]!, f11 = maps[m + r1 + c1]!, f12 = maps[m + r1 + c2]!;
      const f20 = maps[m + r2 + c0]!, f21 = maps[m + r2 + c1]!, f22 = maps[m + r2 + c2]!;
      const b0 = f(-f(f12 - f10) / 2), b1 = f(-f(f21 - f01) / 2);
      const a00 = f(f(f10 - f(2 * f11)) + f12), a01 = f(f(f(f(f22 - f20) - f02) + f00) / 4), a11 = f(f(f01 - f(2 * f11)) + f21);
      const det = f(f(a00 * a11) - f(a01 * a01));
      let dx = 0, dy = 0, score = maxScore;
      if (!(Math.abs(det) < f(1e-4))) {
        const dd = a00 * a11 - a01 * a01;
        dx = f((b0 * a11 - b1 * a01) / dd);
        dy = f((b1 * a00 - b0 * a01) / dd);
        if (Math.abs(dx) > MAX_DELTA || Math.abs(dy) > MAX_DELTA) {
          const larger = Math.max(Math.abs(dx), Math.abs(dy));
          dx = f(f(dx / larger) * MAX_DELTA);
          dy = f(f(dy / larger) * MAX_DELTA);
        }
        const bd = f(f(b0 * dx) + f(b1 * dy));
        const dAd = f(f(dx * f(f(a00 * dx) + f(a01 * dy))) + f(dy * f(f(a01 * dx) + f(a11 * dy))));
        score = f(f(f11 - bd) + f(0.5 * dAd));
      }
      const o = k * 4 * K + j;
      out[o] = x0 + ((0.5 + maxX + dx) * xLen) / S;
      out[o + K] = y0 + ((0.5 + maxY + dy) * yLen) / S;
      out[o + 2 * K] = score;
      if (softmax) {
        let sum = 0;
        for (let c = 0; c < SS; c++) sum = f(sum + f(Math.exp(maps[m + c]!)));
        out[o + 3 * K] = f(f(Math.exp(maxScore)) / sum);
      } else out[o + 3 * K] = 0;
    }
  }
}
