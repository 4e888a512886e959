// Reference twins of kernels/roi_align.ts: Caffe2's loops as written (roi_align_op.cc
// RunOnDeviceWithOrderNCHW/NHWC and roi_align_rotated_op.cc ROIAlignRotatedForward), one sample
// at a time for every channel, with float32 accumulation as the C++ does it.

import type { RoIAlignParams, RoIAlignScratch } from '../roi_align.js';

const f = Math.fround;

function at(x: Float32Array, p: RoIAlignParams, b: number, c: number, C: number, H: number, W: number, yy: number, xx: number): number {
  return p.nhwc ? x[((b * H + yy) * W + xx) * C + c]! : x[((b * C + c) * H + yy) * W + xx]!;
}

function put(out: Float32Array, p: RoIAlignParams, r: number, c: number, C: number, ph: number, pw: number, v: number): void {
  if (p.nhwc) out[((r * p.pooledH + ph) * p.pooledW + pw) * C + c] = v;
  else out[((r * C + c) * p.pooledH + ph) * p.pooledW + pw] = v;
}

export function roiAlign(
  out: Float32Array, x: Float32Array, C: number, H: number, W: number, rois: Float32Array, R: number, roiCols: number,
  p: RoIAlignParams, _s?: RoIAlignScratch,
): number {
  const off = p.aligned ? 0.5 : 0;
  for (let n = 0; n < R; n++) {
    const roi = rois.subarray(n * roiCols, (n + 1) * roiCols);
    const b = roiCols === 5 ? Math.trunc(roi[0]!) : 0;
    const box = roiCols === 5 ? roi.subarray(1) : roi;
    const w1 = f(f(box[0]! * p.spatialScale) - off), h1 = f(f(box[1]! * p.spatialScale) - off);
    const w2 = f(f(box[2]! * p.spatialScale) - off), h2 = f(f(box[3]! * p.spatialScale) - off);
    let roiW = f(w2 - w1), roiH = f(h2 - h1);
    if (p.aligned) { if (!(roiW >= 0 && roiH >= 0)) return n; } else { roiW = Math.max(roiW, 1); roiH = Math.max(roiH, 1); }
    const binH = f(roiH / p.pooledH), binW = f(roiW / p.pooledW);
    const gh = p.samplingRatio > 0 ? p.samplingRatio : Math.ceil(f(roiH / p.pooledH));
    const gw = p.samplingRatio > 0 ? p.samplingRatio : Math.ceil(f(roiW / p.pooledW));
    const ch = f(binH / gh), cw = f(binW / gw);
    const scale = f(1 / (gh * gw));
    for (let c = 0; c < C; c++) {
      for (let ph = 0; ph < p.pooledH; ph++) {
        for (let pw = 0; pw < p.pooledW; pw++) {
          let sum = 0;
          for (let iy = 0; iy < gh; iy++) {
            const yy = f(f(h1 + f(ph * binH)) + f((iy + 0.5) * ch));
            for (let ix = 0; ix < gw; ix++) {
              const xx = f(f(w1 + f(pw * binW)) + f((ix + 0.5) * cw));
              if (yy < -1 || yy > H || xx < -1 || xx > W) continue;
              const y = Math.min(Math.max(yy, 0), H - 1), xv = Math.min(Math.max(xx, 0), W - 1);
              const yl = Math.floor(y), xl = Math.floor(xv);
              const yh = Math.min(yl + 1, H - 1), xh = Math.min(xl + 1, W - 1);
              const py = f(y - yl), px = f(xv - xl), qy = f(1 - py), qx = f(1 - px);
              const v = f(f(f(f(f(qy * qx) * at(x, p, b, c, C, H, W, yl, xl)) + f(f(qy * px) * at(x, p, b, c, C, H, W, yl, xh)))
                + f(f(py * qx) * at(x, p, b, c, C, H, W, yh, xl))) + f(f(py * px) * at(x, p, b, c, C, H, W, yh, xh)));
              sum = f(sum + v);
            }
          }
          put(out, p, n, c, C, ph, pw, f(sum * scale));
        }
      }
    }
  }
  return -1;
}

export function roiAlignRotated(
  out: Float32Array, x: Float32Array, C: number, H: number, W: number, rois: Float32Array, R: number, roiCols: number,
  p: RoIAlignParams, _s?: RoIAlignScratch,
): number {
  const off = p.aligned ? 0.5 : 0;
  for (let n = 0; n < R; n++) {
    const roi = rois.subarray(n * roiCols, (n + 1) * roiCols);
    const b = roiCols === 6 ? Math.trunc(roi[0]!) : 0;
    const box = roiCols === 6 ? roi.subarray(1) : roi;
    const cw = f(f(box[0]! * p.spatialScale) - off), chh = f(f(box[1]! * p.spatialScale) - off);
    let rw = f(box[2]! * p.spatialScale), rh = f(box[3]! * p.spatialScale);
    const theta = f((box[4]! * Math.PI) / 180);
    if (p.aligned) { if (!(rw >= 0 && rh >= 0)) return n; } else { rw = Math.max(rw, 1); rh = Math.max(rh, 1); }
    const binH = f(rh / p.pooledH), binW = f(rw / p.pooledW);
    const gh = p.samplingRatio > 0 ? p.samplingRatio : Math.ceil(f(rh / p.pooledH));
    const gw = p.samplingRatio > 0 ? p.samplingRatio : Math.ceil(f(rw / p.pooledW));
    const count = f(gh * gw);
    const startH = f(-rh / 2), startW = f(-rw / 2);
    const cosT = f(Math.cos(theta)), sinT = f(Math.sin(theta));
    for (let c = 0; c < C; c++) {
      for (let ph = 0; ph < p.pooledH; ph++) {
        for (let pw = 0; pw < p.pooledW; pw++) {
          let sum = 0;
          for (let iy = 0; iy < gh; iy++) {
            const yy = f(f(startH + f(ph * binH)) + f(f((iy + 0.5) * binH) / gh));
            for (let ix = 0; ix < gw; ix++) {
              const xx = f(f(startW + f(pw * binW)) + f(f((ix + 0.5) * binW) / gw));
              let xv = f(f(f(xx * cosT) + f(yy * sinT)) + cw);
              let y = f(f(f(yy * cosT) - f(xx * sinT)) + chh);
              if (y < -1 || y > H || xv < -1 || xv > W) continue;
              if (y <= 0) y = 0;
              if (xv <= 0) xv = 0;
              let yl = Math.trunc(y), xl = Math.trunc(xv), yh: number, xh: number;
              if (yl >= H - 1) { yh = yl = H - 1; y = yl; } else yh = yl + 1;
              if (xl >= W - 1) { xh = xl = W - 1; xv = xl; } else xh = xl + 1;
              const ly = f(y - yl), lx = f(xv - xl), hy = f(1 - ly), hx = f(1 - lx);
              const v = f(f(f(f(f(hy * hx) * at(x, p, b, c, C, H, W, yl, xl)) + f(f(hy * lx) * at(x, p, b, c, C, H, W, yl, xh)))
                + f(f(ly * hx) * at(x, p, b, c, C, H, W, yh, xl))) + f(f(ly * lx) * at(x, p, b, c, C, H, W, yh, xh)));
              sum = f(sum + v);
            }
          }
          put(out, p, n, c, C, ph, pw, f(sum / count));
        }
      }
    }
  }
  return -1;
}
