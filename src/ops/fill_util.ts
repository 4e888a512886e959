// Shared by the fill ops (Caffe2 FillerOp base, caffe2/operators/filler_op.h): the output shape
// comes from the `shape` arg, or from input 0 (its dims, or with `input_as_shape` its values),
// with `extra_shape` appended.

import { ArgError, ShapeError, shapeStr } from '../core/errors.js';
import type { ValueInfo } from '../core/tensor.js';
import { arg } from './schema.js';

export const fillerArgs = {
  shape: arg.ints(),
  extra_shape: arg.ints(),
  input_as_shape: arg.bool(false),
};

export interface FillerParams {
  readonly shape: readonly number[] | undefined;
  readonly extra_shape: readonly number[] | undefined;
  readonly input_as_shape: boolean;
}

export function checkFillerArgs(p: FillerParams, numInputs: number): void {
  if (numInputs > 0 && p.shape?.length) throw new ArgError("'shape' must not be set when the shape comes from an input", { arg: 'shape' });
  if (numInputs === 0 && p.extra_shape?.length) throw new ArgError("'extra_shape' needs an input to extend", { arg: 'extra_shape' });
  if (numInputs === 0 && p.input_as_shape) throw new ArgError("'input_as_shape' needs an input", { arg: 'input_as_shape' });
  for (const d of [...(p.shape ?? []), ...(p.extra_shape ?? [])]) {
    if (!Number.isSafeInteger(d) || d < 0) throw new ArgError(`invalid dim ${d}`, { arg: 'shape' });
  }
}

/** The filled shape; -1 dims when input values are not known yet (planning). */
export function fillShape(ins: readonly ValueInfo[], p: FillerParams): number[] {
  let base: number[];
  if (ins.length === 0) base = (p.shape ?? []).slice();
  else if (!p.input_as_shape) base = ins[0]!.shape.slice();
  else {
    const s = ins[0]!;
    if (s.shape.length > 1) throw new ShapeError(`with input_as_shape the input must be 1-D, got ${shapeStr(s.shape)}`);
    if (!s.value) {
      const n = s.shape.length === 0 ? 1 : s.shape[0]!;
      base = n < 0 ? [] : new Array<number>(n).fill(-1);
    } else {
      base = s.value.toNumbers();
      for (const d of base) if (!Number.isSafeInteger(d) || d < 0) throw new ShapeError(`input_as_shape value [${base.join(', ')}] has an invalid dim`);
    }
  }
  return [...base, ...(p.extra_shape ?? [])];
}
