// Shared by the detection op tests: running a schema's shape rule on plan-time infos, and
// float tensors from plain arrays.
import { Tensor } from '../../src/core/tensor.js';
import type { ValueInfo } from '../../src/core/tensor.js';
import { defaultRegistry } from '../../src/ops/index.js';
import { parseArgs, type OutInfo } from '../../src/ops/schema.js';
import { makeOp, type JsonArg } from '../helpers/net.js';

/** The op's infer() on infos with unknown values, as the planner calls it. */
export function inferOp(type: string, args: Record<string, JsonArg>, ins: ValueInfo[], nOut: number): OutInfo[] {
  const def = defaultRegistry.get(type)!;
  const op = makeOp(type, ins.map((_, i) => `in${i}`), Array.from({ length: nOut }, (_, i) => `out${i}`), args);
  const a = parseArgs(def, op.arg);
  const p = def.normalize ? def.normalize(a, { numInputs: ins.length, numOutputs: nOut }) : a;
  return def.infer(ins, p, { numInputs: ins.length, numOutputs: nOut, planning: true });
}

export const info = (shape: number[], dtype: ValueInfo['dtype'] = 'float32'): ValueInfo => ({ dtype, shape });

export const F = (shape: number[], data: ArrayLike<number>): Tensor => Tensor.from('float32', shape, Array.from(data));
export const I = (shape: number[], data: ArrayLike<number>): Tensor => Tensor.from('int32', shape, Array.from(data));
