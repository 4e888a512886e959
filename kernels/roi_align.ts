// RoIAlign and RoIAlignRotated (Caffe2 roi_align_op.cc, roi_align_rotated_op.cc), NCHW or NHWC.
// X [N, C, H, W] (NHWC: [N, H, W, C]); RoIs [R, 4|5] = [batch?, x1, y1, x2, y2] (rotated:
// [R, 5|6] = [batch?, cx, cy, w, h, angle in degrees]); Y [R, C, pH, pW] (NHWC: [R, pH, pW, C]).
// Tiled: for each RoI the bilinear taps of every bin (pixel offset, summed weight; duplicate
// pixels merged, out-of-range samples dropped) are built once in float32 exactly as Caffe2
// places its samples, then applied to every channel with no bounds logic in the channel loop.
// Channel sums accumulate in double and round once.

const f = Math.fround;

export interface RoIAlignParams {
  readonly spatialScale: number;
  readonly pooledH: number;
  readonly pooledW: number;
  /** > 0: that many samples per bin axis; <= 0: ceil(roi size / pooled size) per axis. */
  readonly samplingRatio: number;
  readonly aligned: boolean;
  readonly nhwc: boolean;
}

/** Growable tap buffers, reused across calls (keep one per op instance). */
export class RoIAlignScratch {
  pos = new Int32Array(256);
  w = new Float64Array(256);
  start = new Int32Array(1);
  acc = new Float64Array(1);
  reserve(taps: number, bins: number, channels: number): void {
    if (this.pos.length < taps) { this.pos = new Int32Array(taps * 2); this.w = new Float64Array(taps * 2); }
    if (this.start.length < bins + 1) this.start = new Int32Array(bins + 1);
    if (this.acc.length < channels) this.acc = new Float64Array(channels);
  }
}

/** Per-RoI sampling geometry; `norm` turns a bin's sum into its mean. */
interface Geometry { startH: number; startW: number; binH: number; binW: number; gh: number; gw: number }
const G: Geometry = { startH: 0, startW: 0, binH: 0, binW: 0, gh: 0, gw: 0 };

let nTaps = 0;

/** Adds weight w at pixel pos to the current bin (taps from binStart on), merging duplicates. */
function addTap(s: RoIAlignScratch, binStart: number, pos: number, w: number): void {
  for (let t = binStart; t < nTaps; t++) {
    if (s.pos[t] === pos) { s.w[t]! += w; return; }
  }
  s.pos[nTaps] = pos;
  s.w[nTaps++] = w;
}

/** Bilinear taps of one sample at (y, x), with Caffe2's clamping; false if it lies outside. */
function addSampleUpright(s: RoIAlignScratch, binStart: number, yy: number, xx: number, H: number, W: number): void {
  const y = Math.min(Math.max(yy, 0), H - 1), x = Math.min(Math.max(xx, 0), W - 1);
  const yl = Math.floor(y), xl = Math.floor(x);
  const yh = Math.min(yl + 1, H - 1), xh = Math.min(xl + 1, W - 1);
  const py = f(y - yl), px = f(x - xl), qy = f(1 - py), qx = f(1 - px);
  addTap(s, binStart, yl * W + xl, f(qy * qx));
  addTap(s, binStart, yl * W + xh, f(qy * px));
  addTap(s, binStart, yh * W + xl, f(py * qx));
  addTap(s, binStart, yh * W + xh, f(py * px));
}

/** The rotated op's bilinear rule (roi_align_rotated_op.cc): floor after clamping negatives to 0. */
function addSampleRotated(s: RoIAlignScratch, binStart: number, y: number, x: number, H: number, W: number): void {
  if (y <= 0) y = 0;
  if (x <= 0) x = 0;
  let yl = Math.trunc(y), xl = Math.trunc(x), yh: number, xh: number;
  if (yl >= H - 1) { yh = yl = H - 1; y = yl; } else yh = yl + 1;
  if (xl >= W - 1) { xh = xl = W - 1; x = xl; } else xh = xl + 1;
  const ly = f(y - yl), lx = f(x - xl), hy = f(1 - ly), hx = f(1 - lx);
  addTap(s, binStart, yl * W + xl, f(hy * hx));
  addTap(s, binStart, yl * W + xh, f(hy * lx));
  addTap(s, binStart, yh * W + xl, f(ly * hx));
  addTap(s, binStart, yh * W + xh, f(ly * lx));
}

/** Bin size and sample grid (roi sizes already float32); false for a negative aligned RoI. */
function grid(roiH: number, roiW: number, p: RoIAlignParams): boolean {
  if (p.aligned) {
    if (!(roiW >= 0 && roiH >= 0)) return false;
  } else {
    roiW = Math.max(roiW, 1);
    roiH = Math.max(roiH, 1);
  }
  G.binH = f(roiH / p.pooledH);
  G.binW = f(roiW / p.pooledW);
  G.gh = p.samplingRatio > 0 ? p.samplingRatio : Math.ceil(G.binH);
  G.gw = p.samplingRatio > 0 ? p.samplingRatio : Math.ceil(G.binW);
  return true;
}

function tapsUpright(s: RoIAlignScratch, H: number, W: number, p: RoIAlignParams): void {
  const { startH, startW, binH, binW, gh, gw } = G;
  const ch = f(binH / gh), cw = f(binW / gw);
  nTaps = 0;
  let bin = 0;
  for (let ph = 0; ph < p.pooledH; ph++) {
    const y0 = f(startH + f(ph * binH));
    for (let pw = 0; pw < p.pooledW; pw++) {
      const x0 = f(startW + f(pw * binW));
      const binStart = nTaps;
      s.start[bin++] = binStart;
      for (let iy = 0; iy < gh; iy++) {
        const yy = f(y0 + f((iy + 0.5) * ch));
        if (yy < -1 || yy > H) continue;
        for (let ix = 0; ix < gw; ix++) {
          const xx = f(x0 + f((ix + 0.5) * cw));
          if (xx < -1 || xx > W) continue;
          addSampleUpright(s, binStart, yy, xx, H, W);
        }
      }
    }
  }
  s.start[bin] = nTaps;
}

function tapsRotated(s: RoIAlignScratch, H: number, W: number, p: RoIAlignParams, cy: number, cx: number, theta: number): void {
  const { startH, startW, binH, binW, gh, gw } = G;
  const cosT = f(Math.cos(theta)), sinT = f(Math.sin(theta));
  nTaps = 0;
  let bin = 0;
  for (let ph = 0; ph < p.pooledH; ph++) {
    const y0 = f(startH + f(ph * binH));
    for (let pw = 0; pw < p.pooledW; pw++) {
      const x0 = f(startW + f(pw * binW));
      const binStart = nTaps;
      s.start[bin++] = binStart;
      for (let iy = 0; iy < gh; iy++) {
        const yy = f(y0 + f(f((iy + 0.5) * binH) / gh));
        for (let ix = 0; ix < gw; ix++) {
          const xx = f(x0 + f(f((ix + 0.5) * binW) / gw));
          const x = f(f(f(xx * cosT) + f(yy * sinT)) + cx);
          const y = f(f(f(yy * cosT) - f(xx * sinT)) + cy);
          if (y < -1 || y > H || x < -1 || x > W) continue;
          addSampleRotated(s, binStart, y, x, H, W);
        }
      }
    }
  }
  s.start[bin] = nTaps;
}

/** Applies the taps of one RoI to every channel: Y = sum * scale, or sum / count when divide. */
function apply(
  out: Float32Array, x: Float32Array, r: number, b: number, C: number, H: number, W: number, p: RoIAlignParams,
  s: RoIAlignScratch, norm: number, divide: boolean,
): void {
  const bins = p.pooledH * p.pooledW, HW = H * W;
  const pos = s.pos, w = s.w, start = s.start;
  if (!p.nhwc) {
    for (let c = 0; c < C; c++) {
      const xb = (b * C + c) * HW, ob = (r * C + c) * bins;
      for (let k = 0; k < bins; k++) {
        let sum = 0;
        const e = start[k + 1]!;
        for (let t = start[k]!; t < e; t++) sum += w[t]! * x[xb + pos[t]!]!;
        out[ob + k] = divide ? sum / norm : sum * norm;
      }
    }
    return;
  }
  const acc = s.acc, xb = b * HW * C;
  for (let k = 0; k < bins; k++) {
    acc.fill(0, 0, C);
    const e = start[k + 1]!;
    for (let t = start[k]!; t < e; t++) {
      const wt = w[t]!, xo = xb + pos[t]! * C;
      for (let c = 0; c < C; c++) acc[c]! += wt * x[xo + c]!;
    }
    const ob = (r * bins + k) * C;
    for (let c = 0; c < C; c++) out[ob + c] = divide ? acc[c]! / norm : acc[c]! * norm;
  }
}

/**
 * RoIAlign over R RoIs of `roiCols` (4 or 5) columns; batch indices must be valid. Returns -1,
 * or the index of the first RoI with a negative size when aligned (Caffe2 rejects those).
 * An aligned zero-size RoI with adaptive sampling has no samples and 1/0 scale: NaN, as in Caffe2.
 */
export function roiAlign(
  out: Float32Array, x: Float32Array, C: number, H: number, W: number, rois: Float32Array, R: number, roiCols: number,
  p: RoIAlignParams, s: RoIAlignScratch = new RoIAlignScratch(),
): number {
  const off = p.aligned ? 0.5 : 0, ss = f(p.spatialScale);
  for (let r = 0; r < R; r++) {
    const o = r * roiCols + (roiCols === 5 ? 1 : 0);
    const b = roiCols === 5 ? Math.trunc(rois[r * roiCols]!) : 0;
    const w1 = f(f(rois[o]! * ss) - off), h1 = f(f(rois[o + 1]! * ss) - off);
    const w2 = f(f(rois[o + 2]! * ss) - off), h2 = f(f(rois[o + 3]! * ss) - off);
    if (!grid(f(h2 - h1), f(w2 - w1), p)) return r;
    G.startH = h1; G.startW = w1;
    s.reserve(p.pooledH * p.pooledW * G.gh * G.gw * 4, p.pooledH * p.pooledW, C);
    tapsUpright(s, H, W, p);
    apply(out, x, r, b, C, H, W, p, s, f(1 / (G.gh * G.gw)), false);
  }
  return -1;
}

/** RoIAlignRotated over R RoIs of 5 or 6 columns; same return convention as roiAlign. */
export function roiAlignRotated(
  out: Float32Array, x: Float32Array, C: number, H: number, W: number, rois: Float32Array, R: number, roiCols: number,
  p: RoIAlignParams, s: RoIAlignScratch = new RoIAlignScratch(),
): number {
  const off = p.aligned ? 0.5 : 0, ss = f(p.spatialScale);
  for (let r = 0; r < R; r++) {
    const o = r * roiCols + (roiCols === 6 ? 1 : 0);
    const b = roiCols === 6 ? Math.trunc(rois[r * roiCols]!) : 0;
    const cx = f(f(rois[o]! * ss) - off), cy = f(f(rois[o + 1]! * ss) - off);
    let rw = f(rois[o + 2]! * ss), rh = f(rois[o + 3]! * ss);
    const theta = f((rois[o + 4]! * Math.PI) / 180);
    if (!grid(rh, rw, p)) return r;
    if (!p.aligned) { rw = Math.max(rw, 1); rh = Math.max(rh, 1); }
    G.startH = f(-rh / 2); G.startW = f(-rw / 2);
    s.reserve(p.pooledH * p.pooledW * G.gh * G.gw * 4, p.pooledH * p.pooledW, C);
    tapsRotated(s, H, W, p, cy, cx, theta);
    apply(out, x, r, b, C, H, W, p, s, f(G.gh * G.gw), true);
  }
  return -1;
}
