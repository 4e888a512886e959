// Helpers shared by the detection ops: input checks with messages that name the input and the
// expected form, float32 args, and the box coder from the common Caffe2 arguments.

import { BBOX_XFORM_CLIP, type BoxCoder } from '../../kernels/boxes.js';
import { ArgError, ShapeError, shapeStr } from '../core/errors.js';
import type { ValueInfo } from '../core/tensor.js';

/** Float args as the float32 Caffe2 stores (defaults like 0.7 are doubles in JS). */
export const f32 = Math.fround;

/** `legacy_plus_one` and its Caffe2 default: true when absent (detectron2 passes false). */
export const LEGACY_PLUS_ONE_DOC = 'box width = x2 - x1 + 1 and clip bound size - 1 when true (Caffe2 default); detectron2 passes false';

export function requireFloat(info: ValueInfo, name: string): void {
  if (info.dtype !== 'float32') throw new ShapeError(`input '${name}' must be float32, got ${info.dtype}`);
}

/**
 * Checks rank and (where known) the dims given as numbers; a dim of -1 in `want` is free, and
 * `form` describes the expected shape in the message, e.g. `[R, 4|5]`.
 */
export function requireShape(info: ValueInfo, name: string, rank: number, form: string, want: readonly (number | readonly number[])[] = []): void {
  const s = info.shape;
  const bad = s.length !== rank || want.some((w, i) => {
    const d = s[i]!;
    if (d < 0) return false;
    return typeof w === 'number' ? w >= 0 && d !== w : !w.includes(d);
  });
  if (bad) throw new ShapeError(`input '${name}' must be ${form}, got ${shapeStr(s)}`);
}

/** Two known dims must agree (unknown dims pass). */
export function requireSameDim(a: number, b: number, msg: () => string): void {
  if (a >= 0 && b >= 0 && a !== b) throw new ShapeError(msg());
}

/** Product of known dims times a bound, or undefined when a factor is unknown. */
export function bound(...factors: number[]): number | undefined {
  let n = 1;
  for (const v of factors) { if (!(v >= 0)) return undefined; n *= v; }
  return n;
}

/** Caffe2 requires hi - lo > 0 and a multiple of 180 when rotated angles are normalised. */
export function checkAngleBounds(on: boolean, lo: number, hi: number): void {
  const period = hi - lo;
  if (on && !(period > 0 && period % 180 === 0)) {
    throw new ArgError(`angle_bound_hi - angle_bound_lo must be a positive multiple of 180 (got ${hi} - ${lo} = ${period})`, { arg: 'angle_bound_hi' });
  }
}

export interface CoderArgs {
  readonly angle_bound_on: boolean;
  readonly angle_bound_lo: number;
  readonly angle_bound_hi: number;
  readonly legacy_plus_one: boolean;
}

export function boxCoder(a: CoderArgs, weights: readonly number[] = [1, 1, 1, 1]): BoxCoder {
  return Object.freeze({
    weights: weights.map(f32), clip: BBOX_XFORM_CLIP, legacyPlusOne: a.legacy_plus_one,
    angleBoundOn: a.angle_bound_on, angleBoundLo: a.angle_bound_lo, angleBoundHi: a.angle_bound_hi,
  });
}
