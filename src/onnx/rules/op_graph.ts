// A small builder for the op graphs some lowerings emit (run-time Resize matrices, RoiAlign's max
// mode): each method emits one Caffe2 op or constant and returns its output blob. Ops whose
// inputs are all constants fold away at conversion (lower.ts).

import { Tensor } from '../../core/tensor.js';
import { dtypeToCaffe2, type DType } from '../../core/dtype.js';
import type { ArgMap, RuleCtx } from '../context.js';
import { I, INTS } from '../context.js';

/** Emits small op graphs: each call is one Caffe2 op (or constant) and returns its output blob. */
export class Ops {
  constructor(readonly c: RuleCtx) {}
  /** Emits `type` into `out` (default: a fresh blob). */
  op(type: string, ins: readonly string[], args: ArgMap = {}, out = this.c.dummy()): string {
    this.c.emit(type, ins, [out], args);
    return out;
  }
  const(dtype: 'float64' | 'float32' | 'int64', values: readonly number[], shape: readonly number[] = [values.length]): string {
    const name = this.c.dummy();
    this.c.emitConstant(name, Tensor.from(dtype, shape, values));
    return name;
  }
  f64(v: number): string { return this.const('float64', [v]); }
  add(a: string, b: string): string { return this.op('Add', [a, b]); }
  sub(a: string, b: string): string { return this.op('Sub', [a, b]); }
  mul(a: string, b: string): string { return this.op('Mul', [a, b]); }
  div(a: string, b: string): string { return this.op('Div', [a, b]); }
  cast(a: string, to: DType, out?: string): string { return this.op('Cast', [a], { to: I(dtypeToCaffe2(to)) }, out); }
  /** A 0/1 float64 mask of a comparison. */
  mask(type: 'EQ' | 'LT' | 'LE' | 'GT' | 'GE', a: string, b: string): string { return this.cast(this.op(type, [a, b]), 'float64'); }
  /** a where m is 1, b where m is 0 (m a 0/1 mask; a and b finite). */
  select(m: string, a: string, b: string): string { return this.add(this.mul(a, m), this.mul(b, this.sub(this.f64(1), m))); }
  max(a: string, b: string): string { return this.select(this.mask('GT', a, b), a, b); }
  min(a: string, b: string): string { return this.select(this.mask('LT', a, b), a, b); }
  /** Element `i` of a 1-D tensor, as a [1] tensor. */
  at(x: string, i: number): string { return this.op('Gather', [x, this.const('int64', [i])]); }
  col(x: string): string { return this.op('ExpandDims', [x], { dims: INTS([1]) }); }
  row(x: string): string { return this.op('ExpandDims', [x], { dims: INTS([0]) }); }
}
