// Schema pieces shared by RoIAlign and RoIAlignRotated: args, shape rule, and the run wrapper
// that validates batch indices and reports a rejected RoI by row.

import type { RoIAlignParams, RoIAlignScratch } from '../../kernels/roi_align.js';
import { ArgError, ShapeError, shapeStr } from '../core/errors.js';
import type { ValueInfo } from '../core/tensor.js';
import { arg, type Args, type OutInfo, type RunCtx } from './schema.js';
import { f32, requireFloat, requireShape } from './detection_util.js';

export const roiAlignArgs = {
  order: arg.str('NCHW', ['NCHW', 'NHWC']), spatial_scale: arg.float(1), pooled_h: arg.int(1), pooled_w: arg.int(1),
  sampling_ratio: arg.int(-1), aligned: arg.bool(false),
};

export function roiAlignParams(a: Args<typeof roiAlignArgs>): RoIAlignParams {
  for (const k of ['pooled_h', 'pooled_w'] as const) if (!(a[k] >= 1)) throw new ArgError(`must be >= 1, got ${a[k]}`, { arg: k });
  if (!(a.spatial_scale > 0 && Number.isFinite(a.spatial_scale))) throw new ArgError(`must be a positive number, got ${a.spatial_scale}`, { arg: 'spatial_scale' });
  return Object.freeze({
    spatialScale: f32(a.spatial_scale), pooledH: a.pooled_h, pooledW: a.pooled_w, samplingRatio: a.sampling_ratio,
    aligned: a.aligned, nhwc: a.order === 'NHWC',
  });
}

/** B = 4 for RoIAlign ([R, 4|5]), 5 for RoIAlignRotated ([R, 5|6]). */
export function inferRoIAlign([x, rois]: readonly ValueInfo[], p: RoIAlignParams, B: number): OutInfo[] {
  requireFloat(x!, 'X');
  requireFloat(rois!, 'RoIs');
  requireShape(x!, 'X', 4, p.nhwc ? '[N, H, W, C]' : '[N, C, H, W]');
  requireShape(rois!, 'RoIs', 2, `[R, ${B}|${B + 1}]`, [-1, [B, B + 1]]);
  const R = rois!.shape[0]!, C = x!.shape[p.nhwc ? 3 : 1]!;
  return [{ dtype: 'float32', shape: p.nhwc ? [R, p.pooledH, p.pooledW, C] : [R, C, p.pooledH, p.pooledW] }];
}

type Kernel = (out: Float32Array, x: Float32Array, C: number, H: number, W: number, rois: Float32Array, R: number, cols: number,
  p: RoIAlignParams, s?: RoIAlignScratch) => number;

export function runRoIAlign(ctx: RunCtx<unknown>, p: RoIAlignParams, B: number, kernel: Kernel): void {
  const x = ctx.in(0), roisT = ctx.in(1), y = ctx.out(0).data as Float32Array;
  const [N, d1, d2, d3] = x.shape as [number, number, number, number];
  const [C, H, W] = p.nhwc ? [d3, d1, d2] : [d1, d2, d3];
  const R = roisT.shape[0]!, cols = roisT.shape[1]!, rois = roisT.data as Float32Array;
  if (R === 0 || C === 0) return;
  if (H === 0 || W === 0) throw new ShapeError(`input 'X' ${shapeStr(x.shape)} has an empty feature map; ${R} RoIs cannot be sampled`);
  if (cols === B + 1) {
    for (let r = 0; r < R; r++) {
      const b = Math.trunc(rois[r * cols]!);
      if (!(b >= 0 && b < N)) throw new ShapeError(`input 'RoIs' row ${r} has batch index ${rois[r * cols]}, expected 0..${N - 1} (input 'X' ${shapeStr(x.shape)})`);
    }
  }
  // One thread: split across two (by channels or by RoIs) it measured no faster here, as the
  // kernel is bound by memory traffic (the interleaved copies of the map), not arithmetic.
  const bad = kernel(y, x.data as Float32Array, C, H, W, rois, R, cols, p, ctx.state as RoIAlignScratch);
  if (bad >= 0) {
    const row = Array.from(rois.subarray(bad * cols, (bad + 1) * cols)).join(', ');
    throw new ShapeError(`input 'RoIs' row ${bad} [${row}] has a negative size after scaling; with aligned=1 every RoI needs a width and height >= 0`);
  }
}
