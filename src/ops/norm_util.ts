// Shared by the normalisation ops: float32 input checks and per-channel parameter checks.

import { ShapeError, shapeStr } from '../core/errors.js';
import { numelOrUnknown } from '../core/shape.js';
import type { ValueInfo } from '../core/tensor.js';

/** Every input float32, X of rank >= minRank. */
export function checkFloatInputs(ins: readonly ValueInfo[], names: readonly string[], minRank: number): void {
  ins.forEach((v, i) => {
    if (v.dtype !== 'float32') throw new ShapeError(`input '${names[i]}' must be float32, got ${v.dtype}`);
  });
  if (ins[0]!.shape.length < minRank) throw new ShapeError(`input '${names[0]}' must have rank >= ${minRank}, got ${shapeStr(ins[0]!.shape)}`);
}

/** Inputs [from, to) must hold C values each (when both are known). */
export function checkPerChannel(ins: readonly ValueInfo[], names: readonly string[], from: number, to: number, C: number, what = 'C'): void {
  if (C < 0) return;
  for (let i = from; i < to; i++) {
    const n = numelOrUnknown(ins[i]!.shape);
    if (n >= 0 && n !== C) throw new ShapeError(`input '${names[i]}' must hold ${what} = ${C} values, got ${shapeStr(ins[i]!.shape)}`);
  }
}
