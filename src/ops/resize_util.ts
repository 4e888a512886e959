// Shared by ResizeNearest and UpsampleBilinear: the (height_scale, width_scale) pair from the
// args or from the optional `scales` input ([height_scale, width_scale], the ONNX Upsample
// path), float32 and > 0, and the output size int(in * scale) (kernels/resize.ts).

import { ArgError, InputError, ShapeError, shapeStr } from '../core/errors.js';
import type { Tensor, ValueInfo } from '../core/tensor.js';
import { resizeOutDim } from '../../kernels/resize.js';
import { arg } from './schema.js';

export const scaleArgs = { width_scale: arg.float(1), height_scale: arg.float(1) };

export interface ScaleParams { readonly hScale: number; readonly wScale: number }

export function normalizeScales(a: { width_scale: number; height_scale: number }): ScaleParams {
  for (const k of ['width_scale', 'height_scale'] as const) {
    if (!(a[k] > 0)) throw new ArgError(`must be > 0, got ${a[k]}`, { arg: k });
  }
  return { hScale: Math.fround(a.height_scale), wScale: Math.fround(a.width_scale) };
}

/** The scales input's type and shape. */
export function checkScalesInput(s: ValueInfo): void {
  if (s.dtype !== 'float32') throw new ShapeError(`input 'scales' must be float32, got ${s.dtype}`);
  if (s.shape.length !== 1 || (s.shape[0]! >= 0 && s.shape[0] !== 2)) {
    throw new ShapeError(`input 'scales' must be [2] ([height_scale, width_scale]), got ${shapeStr(s.shape)}`);
  }
}

/** [hScale, wScale] from the `scales` tensor, checked > 0. */
export function scalesFrom(t: Tensor): ScaleParams {
  const h = t.get(0), w = t.get(1);
  if (!(h > 0) || !(w > 0)) throw new InputError(`input 'scales' must be > 0, got [${h}, ${w}]`);
  return { hScale: h, wScale: w };
}

/** Output H and W (-1 when the scales are known only at run time). */
export function outHW(H: number, W: number, s: ScaleParams | undefined): [number, number] {
  if (!s) return [-1, -1];
  return [H < 0 ? -1 : resizeOutDim(H, s.hScale), W < 0 ? -1 : resizeOutDim(W, s.wScale)];
}
