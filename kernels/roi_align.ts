// RoIAlign and RoIAlignRotated (Caffe2 roi_align_op.cc, roi_align_rotated_op.cc), NCHW or NHWC.
// X [N, C, H, W] (NHWC: [N, H, W, C]); RoIs [R, 4|5] = [batch?, x1, y1, x2, y2] (rotated:
// [R, 5|6] = [batch?, cx, cy, w, h, angle in degrees]); Y [R, C, pH, pW] (NHWC: [R, pH, pW, C]).
// Tiled: the bilinear taps of every bin (pixel offset, summed weight; duplicate pixels merged,
// out-of-range samples dropped) are built once per RoI in float32 exactly as Caffe2 places its
// samples, then applied with no bounds logic in the channel loop. Taps are applied to 8 channels
// at a time held in registers, reading pixels whose 8 channels are adjacent: NHWC input as is,
// NCHW input through an 8-channel interleaved copy of the map when the RoIs of a block sample
// at least as many taps as the map has pixels (else plane by plane). Sums accumulate in double.

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
  pos = new Int32Array(1 << 12);
  w = new Float64Array(1 << 12);
  /** Tap range of bin k of the i-th RoI of a block: start[i * bins + k] .. start[i * bins + k + 1]. */
  start = new Int32Array(1);
  /** Per RoI of a block: the factor or divisor that turns a bin sum into its mean, and the image. */
  norm = new Float64Array(MAX_BLOCK);
  batch = new Int32Array(MAX_BLOCK);
  /** 8-channel interleaved copy of the map planes a block reads: [image slot][pixel][8]. */
  xt = new Float32Array(1);
  /** Image of each slot of xt, and slot of each image (-1: not copied). */
  slotImage = new Int32Array(1);
  imageSlot = new Int32Array(1);
  /** Merging taps of a bin: mark[q] === stamp when pixel q already has tap slot[q] in this bin. */
  mark = new Int32Array(1);
  slot = new Int32Array(1);
  stamp = 0;
  /** Room for `taps` taps in total (keeping those already built) and `starts` bin starts. */
  reserve(taps: number, starts: number): void {
    if (this.pos.length < taps) {
      const pos = new Int32Array(taps * 2), w = new Float64Array(taps * 2);
      pos.set(this.pos); w.set(this.w);
      this.pos = pos; this.w = w;
    }
    if (this.start.length < starts) {
      const start = new Int32Array(starts * 2);
      start.set(this.start);
      this.start = start;
    }
  }
}

/** RoIs per block, and the tap count that closes a block (about 12 MB of taps). */
const MAX_BLOCK = 4096, BLOCK_TAPS = 1 << 20;

/** Sampling geometry of the current RoI. */
interface Geometry { startH: number; startW: number; binH: number; binW: number; gh: number; gw: number }
const G: Geometry = { startH: 0, startW: 0, binH: 0, binW: 0, gh: 0, gw: 0 };

let nTaps = 0;

/** Adds weight w at pixel pos to the current bin, merging a pixel seen before in this bin. */
function addTap(s: RoIAlignScratch, pos: number, w: number): void {
  if (s.mark[pos] === s.stamp) { s.w[s.slot[pos]!]! += w; return; }
  s.mark[pos] = s.stamp;
  s.slot[pos] = nTaps;
  s.pos[nTaps] = pos;
  s.w[nTaps++] = w;
}

/** Starts a new bin for addTap (marks of earlier bins no longer match). */
function newBin(s: RoIAlignScratch, HW: number): void {
  if (s.mark.length < HW) { s.mark = new Int32Array(HW); s.slot = new Int32Array(HW); s.stamp = 0; }
  if (++s.stamp === 0x7fffffff) { s.mark.fill(0); s.stamp = 1; }
}

/** Bilinear taps of one in-range sample at (yy, xx), with Caffe2's clamping. */
function addSampleUpright(s: RoIAlignScratch, yy: number, xx: number, H: number, W: number): void {
  const y = Math.min(Math.max(yy, 0), H - 1), x = Math.min(Math.max(xx, 0), W - 1);
  const yl = Math.floor(y), xl = Math.floor(x);
  const yh = Math.min(yl + 1, H - 1), xh = Math.min(xl + 1, W - 1);
  const py = f(y - yl), px = f(x - xl), qy = f(1 - py), qx = f(1 - px);
  addTap(s, yl * W + xl, f(qy * qx));
  addTap(s, yl * W + xh, f(qy * px));
  addTap(s, yh * W + xl, f(py * qx));
  addTap(s, yh * W + xh, f(py * px));
}

/** The rotated op's bilinear rule (roi_align_rotated_op.cc): floor after clamping negatives to 0. */
function addSampleRotated(s: RoIAlignScratch, y: number, x: number, H: number, W: number): void {
  if (y <= 0) y = 0;
  if (x <= 0) x = 0;
  let yl = Math.trunc(y), xl = Math.trunc(x), yh: number, xh: number;
  if (yl >= H - 1) { yh = yl = H - 1; y = yl; } else yh = yl + 1;
  if (xl >= W - 1) { xh = xl = W - 1; x = xl; } else xh = xl + 1;
  const ly = f(y - yl), lx = f(x - xl), hy = f(1 - ly), hx = f(1 - lx);
  addTap(s, yl * W + xl, f(hy * hx));
  addTap(s, yl * W + xh, f(hy * lx));
  addTap(s, yh * W + xl, f(ly * hx));
  addTap(s, yh * W + xh, f(ly * lx));
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

function tapsUpright(s: RoIAlignScratch, bin: number, H: number, W: number, p: RoIAlignParams): void {
  const { startH, startW, binH, binW, gh, gw } = G;
  const ch = f(binH / gh), cw = f(binW / gw);
  for (let ph = 0; ph < p.pooledH; ph++) {
    const y0 = f(startH + f(ph * binH));
    for (let pw = 0; pw < p.pooledW; pw++) {
      const x0 = f(startW + f(pw * binW));
      s.start[bin++] = nTaps;
      newBin(s, H * W);
      for (let iy = 0; iy < gh; iy++) {
        const yy = f(y0 + f((iy + 0.5) * ch));
        if (yy < -1 || yy > H) continue;
        for (let ix = 0; ix < gw; ix++) {
          const xx = f(x0 + f((ix + 0.5) * cw));
          if (xx < -1 || xx > W) continue;
          addSampleUpright(s, yy, xx, H, W);
        }
      }
    }
  }
}

function tapsRotated(s: RoIAlignScratch, bin: number, H: number, W: number, p: RoIAlignParams, cy: number, cx: number, theta: number): void {
  const { startH, startW, binH, binW, gh, gw } = G;
  const cosT = f(Math.cos(theta)), sinT = f(Math.sin(theta));
  for (let ph = 0; ph < p.pooledH; ph++) {
    const y0 = f(startH + f(ph * binH));
    for (let pw = 0; pw < p.pooledW; pw++) {
      const x0 = f(startW + f(pw * binW));
      s.start[bin++] = nTaps;
      newBin(s, H * W);
      for (let iy = 0; iy < gh; iy++) {
        const yy = f(y0 + f(f((iy + 0.5) * binH) / gh));
        for (let ix = 0; ix < gw; ix++) {
          const xx = f(x0 + f(f((ix + 0.5) * binW) / gw));
          const x = f(f(f(xx * cosT) + f(yy * sinT)) + cx);
          const y = f(f(f(yy * cosT) - f(xx * sinT)) + cy);
          if (y < -1 || y > H || x < -1 || x > W) continue;
          addSampleRotated(s, y, x, H, W);
        }
      }
    }
  }
}

/**
 * Bins of one RoI for 8 channels: pixel q has them at src[base + q * ps + 0..7] (NHWC: ps = C;
 * interleaved copy: ps = 8); output channel j of bin k goes to out[ob + j * oc + k * ok].
 */
function apply8(
  out: Float32Array, src: Float32Array, base: number, ps: number, ob: number, oc: number, ok: number, bins: number,
  s: RoIAlignScratch, sb: number, nv: number, divide: boolean,
): void {
  const pos = s.pos, w = s.w, start = s.start;
  for (let k = 0; k < bins; k++) {
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
    const e = start[sb + k + 1]!;
    for (let t = start[sb + k]!; t < e; t++) {
      const wt = w[t]!, xo = base + pos[t]! * ps;
      a0 += wt * src[xo]!; a1 += wt * src[xo + 1]!; a2 += wt * src[xo + 2]!; a3 += wt * src[xo + 3]!;
      a4 += wt * src[xo + 4]!; a5 += wt * src[xo + 5]!; a6 += wt * src[xo + 6]!; a7 += wt * src[xo + 7]!;
    }
    if (divide) { a0 /= nv; a1 /= nv; a2 /= nv; a3 /= nv; a4 /= nv; a5 /= nv; a6 /= nv; a7 /= nv; }
    else { a0 *= nv; a1 *= nv; a2 *= nv; a3 *= nv; a4 *= nv; a5 *= nv; a6 *= nv; a7 *= nv; }
    const o = ob + k * ok;
    out[o] = a0; out[o + oc] = a1; out[o + 2 * oc] = a2; out[o + 3 * oc] = a3;
    out[o + 4 * oc] = a4; out[o + 5 * oc] = a5; out[o + 6 * oc] = a6; out[o + 7 * oc] = a7;
  }
}

/** Bins of one RoI for one channel whose pixel q is at x[xb + q * ps]; bin k goes to out[ob + k * ok]. */
function apply1(
  out: Float32Array, x: Float32Array, xb: number, ps: number, ob: number, ok: number, bins: number, s: RoIAlignScratch, sb: number,
  nv: number, divide: boolean,
): void {
  const pos = s.pos, w = s.w, start = s.start;
  for (let k = 0; k < bins; k++) {
    let sum = 0;
    const e = start[sb + k + 1]!;
    for (let t = start[sb + k]!; t < e; t++) sum += w[t]! * x[xb + pos[t]! * ps]!;
    out[ob + k * ok] = divide ? sum / nv : sum * nv;
  }
}

/** Applies the taps of a block of RoIs (rows r0.., nb of them) to every channel. */
function apply(
  out: Float32Array, x: Float32Array, r0: number, nb: number, C: number, H: number, W: number, p: RoIAlignParams,
  s: RoIAlignScratch, divide: boolean,
): void {
  const bins = p.pooledH * p.pooledW, HW = H * W, C8 = C - (C % 8);
  const norm = s.norm, batch = s.batch;
  if (p.nhwc) {
    for (let i = 0; i < nb; i++) {
      const xb = batch[i]! * HW * C, ob = (r0 + i) * bins * C;
      for (let c = 0; c < C8; c += 8) apply8(out, x, xb + c, C, ob + c, 1, C, bins, s, i * bins, norm[i]!, divide);
      for (let c = C8; c < C; c++) apply1(out, x, xb + c, C, ob + c, C, bins, s, i * bins, norm[i]!, divide);
    }
    return;
  }
  // NCHW: interleave 8 channels of the images the block reads when its taps outnumber their pixels
  let N = 0;
  for (let i = 0; i < nb; i++) N = Math.max(N, batch[i]! + 1);
  if (s.imageSlot.length < N) s.imageSlot = new Int32Array(N);
  s.imageSlot.fill(-1, 0, N);
  let images = 0;
  for (let i = 0; i < nb; i++) if (s.imageSlot[batch[i]!] === -1) s.imageSlot[batch[i]!] = images++;
  const interleave = C8 > 0 && nTaps >= images * HW;
  if (interleave) {
    if (s.xt.length < images * HW * 8) s.xt = new Float32Array(images * HW * 8);
    if (s.slotImage.length < images) s.slotImage = new Int32Array(images);
    for (let b = 0; b < N; b++) if (s.imageSlot[b]! >= 0) s.slotImage[s.imageSlot[b]!] = b;
    const xt = s.xt;
    for (let c0 = 0; c0 < C8; c0 += 8) {
      for (let m = 0; m < images; m++) {
        const xb = (s.slotImage[m]! * C + c0) * HW, tb = m * HW * 8;
        for (let j = 0; j < 8; j++) {
          const src = xb + j * HW;
          for (let q = 0; q < HW; q++) xt[tb + q * 8 + j] = x[src + q]!;
        }
      }
      for (let i = 0; i < nb; i++) {
        apply8(out, xt, s.imageSlot[batch[i]!]! * HW * 8, 8, ((r0 + i) * C + c0) * bins, bins, 1, bins, s, i * bins, norm[i]!, divide);
      }
    }
  }
  // the rest plane by plane, channel-major over the block: one plane stays in cache for every RoI
  for (let c = interleave ? C8 : 0; c < C; c++) {
    for (let i = 0; i < nb; i++) {
      apply1(out, x, (batch[i]! * C + c) * HW, 1, ((r0 + i) * C + c) * bins, 1, bins, s, i * bins, norm[i]!, divide);
    }
  }
}

/**
 * Both ops: RoIs in blocks of up to MAX_BLOCK (and about BLOCK_TAPS taps), taps built per RoI,
 * then applied. Returns -1, or the first RoI with a negative size when aligned.
 */
function run(
  out: Float32Array, x: Float32Array, C: number, H: number, W: number, rois: Float32Array, R: number, cols: number,
  p: RoIAlignParams, s: RoIAlignScratch, rotated: boolean,
): number {
  const off = p.aligned ? 0.5 : 0, ss = f(p.spatialScale), bins = p.pooledH * p.pooledW;
  const hasBatch = cols === (rotated ? 6 : 5);
  let r = 0;
  while (r < R) {
    const r0 = r;
    let nb = 0;
    nTaps = 0;
    while (r < R && nb < MAX_BLOCK && nTaps < BLOCK_TAPS) {
      const o = r * cols + (hasBatch ? 1 : 0);
      s.batch[nb] = hasBatch ? Math.trunc(rois[r * cols]!) : 0;
      if (!rotated) {
        const w1 = f(f(rois[o]! * ss) - off), h1 = f(f(rois[o + 1]! * ss) - off);
        const w2 = f(f(rois[o + 2]! * ss) - off), h2 = f(f(rois[o + 3]! * ss) - off);
        if (!grid(f(h2 - h1), f(w2 - w1), p)) return r;
        G.startH = h1; G.startW = w1;
        s.reserve(nTaps + bins * Math.min(G.gh * G.gw * 4, H * W), (nb + 1) * bins + 1);
        tapsUpright(s, nb * bins, H, W, p);
        s.norm[nb] = f(1 / (G.gh * G.gw));
      } else {
        const cx = f(f(rois[o]! * ss) - off), cy = f(f(rois[o + 1]! * ss) - off);
        let rw = f(rois[o + 2]! * ss), rh = f(rois[o + 3]! * ss);
        const theta = f((rois[o + 4]! * Math.PI) / 180);
        if (!grid(rh, rw, p)) return r;
        if (!p.aligned) { rw = Math.max(rw, 1); rh = Math.max(rh, 1); }
        G.startH = f(-rh / 2); G.startW = f(-rw / 2);
        s.reserve(nTaps + bins * Math.min(G.gh * G.gw * 4, H * W), (nb + 1) * bins + 1);
        tapsRotated(s, nb * bins, H, W, p, cy, cx, theta);
        s.norm[nb] = f(G.gh * G.gw);
      }
      nb++;
      r++;
    }
    s.start[nb * bins] = nTaps;
    apply(out, x, r0, nb, C, H, W, p, s, rotated);
  }
  return -1;
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
  return run(out, x, C, H, W, rois, R, roiCols, p, s, false);
}

/** RoIAlignRotated over R RoIs of 5 or 6 columns (the bin mean divides by the sample count). */
export function roiAlignRotated(
  out: Float32Array, x: Float32Array, C: number, H: number, W: number, rois: Float32Array, R: number, roiCols: number,
  p: RoIAlignParams, s: RoIAlignScratch = new RoIAlignScratch(),
): number {
  return run(out, x, C, H, W, rois, R, roiCols, p, s, true);
}
