// RoIAlign / RoIAlignRotated split across the engine's threads by channel ranges (one image, NCHW:
// the layout of detectron2's box and mask heads). Each task runs kernels/roi_align.ts on its
// channels into its own [R, cs, pH, pW] scratch and copies that into Y's channel slice. Splitting
// by RoIs instead made every task re-interleave the whole feature map (the kernel's fast path for
// RoI-dense maps) and ran slower on two threads than on one; by channels only the tap building
// repeats per task. A rejected RoI (negative size when aligned) is found by every task alike.

import type { Exec } from './engine.js';
import { HDR, type Job, type ThreadCtx } from './parallel.js';
import { RoIAlignScratch, roiAlign, roiAlignRotated, type RoIAlignParams } from './roi_align.js';

const A_X = HDR, A_R = HDR + 1, A_Y = HDR + 2, A_C = HDR + 3, A_H = HDR + 4, A_W = HDR + 5, A_N = HDR + 6, A_COLS = HDR + 7;
const A_SCALE = HDR + 8, A_PH = HDR + 9, A_PW = HDR + 10, A_SR = HDR + 11, A_ALIGNED = HDR + 12;
const A_ROT = HDR + 13, A_CS = HDR + 14;
const args = new Float64Array(HDR + 15);

let scratch: RoIAlignScratch | undefined;

function roiTask(t: ThreadCtx, a: Float64Array, task: number): void {
  const f = t.f32, C = a[A_C]!, H = a[A_H]!, W = a[A_W]!, R = a[A_N]!, cols = a[A_COLS]!, csMax = a[A_CS]!;
  const p: RoIAlignParams = {
    spatialScale: a[A_SCALE]!, pooledH: a[A_PH]!, pooledW: a[A_PW]!, samplingRatio: a[A_SR]!, aligned: a[A_ALIGNED] === 1, nhwc: false,
  };
  const c0 = task * csMax, cs = Math.min(csMax, C - c0), bins = p.pooledH * p.pooledW, HW = H * W;
  const sp = a[1]! + t.index * a[2]!; // [0, 4): rejected RoI; [64, ...): this task's [R, cs, bins] output
  const x = new Float32Array(f.buffer, a[A_X]! + c0 * HW * 4, cs * HW);
  const rois = new Float32Array(f.buffer, a[A_R]!, R * cols);
  const tmp = new Float32Array(f.buffer, sp + 64, R * cs * bins);
  scratch ??= new RoIAlignScratch();
  const bad = (a[A_ROT] ? roiAlignRotated : roiAlign)(tmp, x, cs, H, W, rois, R, cols, p, scratch);
  if (bad >= 0) { t.i32[sp / 4] = bad; return; }
  const y = a[A_Y]! / 4;
  for (let r = 0; r < R; r++) f.copyWithin(y + (r * C + c0) * bins, sp / 4 + 16 + r * cs * bins, sp / 4 + 16 + (r + 1) * cs * bins);
}

export const ROI_ALIGN_JOB: Job = { id: 4, run: roiTask };

/**
 * RoIAlign(Rotated) of one NCHW image on the engine's threads: x, rois, y are byte offsets; the
 * same output and return value (-1, or the first rejected RoI) as the single-thread kernel.
 */
export function roiAlignExec(
  ex: Exec, y: number, x: number, C: number, H: number, W: number, rois: number, R: number, cols: number, p: RoIAlignParams, rotated: boolean,
): number {
  // channel slices of 8 (the kernel's register width), one per thread
  const cs = Math.ceil(C / ex.threads / 8) * 8 || C, tasks = Math.ceil(C / cs), bins = p.pooledH * p.pooledW;
  ex.header(args, 64 + R * Math.min(cs, C) * bins * 4);
  ex.engine.main.refresh();
  for (let t = 0; t < ex.threads; t++) ex.engine.main.i32[(args[1]! + t * args[2]!) / 4] = -1;
  args[A_X] = x; args[A_R] = rois; args[A_Y] = y; args[A_C] = C; args[A_H] = H; args[A_W] = W; args[A_N] = R; args[A_COLS] = cols;
  args[A_SCALE] = p.spatialScale; args[A_PH] = p.pooledH; args[A_PW] = p.pooledW; args[A_SR] = p.samplingRatio;
  args[A_ALIGNED] = p.aligned ? 1 : 0; args[A_ROT] = rotated ? 1 : 0; args[A_CS] = cs;
  ex.run(ROI_ALIGN_JOB, args, tasks);
  let bad = -1;
  const i32 = ex.engine.main.i32;
  for (let t = 0; t < ex.threads; t++) {
    const b = i32[(args[1]! + t * args[2]!) / 4]!;
    if (b >= 0 && (bad < 0 || b < bad)) bad = b;
  }
  return bad;
}
