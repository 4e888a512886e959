// Plan-time fusion of elementwise epilogues into the op before them: Conv -> Relu,
// Conv -> Add(residual) [-> Relu] and FC -> Relu become one op whose kernel applies the bias,
// the residual add and the ReLU while the output tile is still in registers (kernels/gemm.ts
// EPI_*), each rounded to float32 as the separate ops round, so results are unchanged. Fires
// only when every absorbed intermediate has no other reader and is not kept (external output,
// --trace/keep), the Add's operands have the same static float32 shape (no broadcasting), and
// the residual exists before the op runs (else the other operand's producer may take it). A ReLU
// fuses whatever the shape (data-dependent RoI counts included).

import { isStatic, shapesEqual } from '../core/shape.js';
import { EPI_RELU, EPI_RESIDUAL } from '../../kernels/gemm.js';
import type { CompiledOp, PlannedOp, ValueMeta } from './planner.js';

/** Params of a fused op: the base op's params, the epilogue flags, the residual's input index (-1: none). */
export interface EpilogueParams<P = unknown> { readonly base: P; readonly flags: number; readonly res: number }

/** Returns the op list with epilogues fused; values no op produces any more get producer -2. */
export function fuseEpilogues(planned: readonly PlannedOp[], values: readonly ValueMeta[], pinned: ReadonlySet<number>): PlannedOp[] {
  const readers = new Map<number, number[]>();
  const producedAt = new Map<number, number>();
  planned.forEach((p, pos) => {
    for (const id of p.inputs) { let r = readers.get(id); if (!r) readers.set(id, (r = [])); r.push(pos); }
    for (const id of p.outputs) producedAt.set(id, pos);
  });
  const removed = new Set<number>();
  const soleReader = (id: number): PlannedOp | undefined => {
    const r = readers.get(id);
    if (!r || r.length !== 1 || pinned.has(id) || removed.has(r[0]!)) return undefined;
    const p = planned[r[0]!]!;
    return p.inputs.filter((x) => x === id).length === 1 ? p : undefined;
  };
  const f32 = (id: number): boolean => values[id]!.info.dtype === 'float32';
  const fixed = (id: number): boolean => f32(id) && isStatic(values[id]!.info.shape);
  const out: PlannedOp[] = [];
  planned.forEach((p, pos) => {
    if (removed.has(pos)) return;
    const ep = p.c.def.epilogue;
    if (!ep || p.outputs.length !== 1 || !f32(p.outputs[0]!)) { out.push(p); return; }
    let z = p.outputs[0]!, flags = 0, res = -1;
    const types = [p.c.type], gone: number[] = [];
    const add = ep.residual ? soleReader(z) : undefined;
    if (add && add.c.type === 'Add' && add.inputs.length === 2) {
      const r = add.inputs[0] === z ? add.inputs[1]! : add.inputs[0]!;
      const rPos = producedAt.get(r) ?? -1;
      if (r !== z && fixed(r) && fixed(z) && rPos < pos && shapesEqual(values[r]!.info.shape, values[z]!.info.shape)) {
        flags |= EPI_RESIDUAL; res = r; z = add.outputs[0]!;
        types.push('Add'); gone.push(planned.indexOf(add));
      }
    }
    const relu = soleReader(z);
    if (relu && relu.c.type === 'Relu' && f32(relu.outputs[0]!)) {
      flags |= EPI_RELU; z = relu.outputs[0]!;
      types.push('Relu'); gone.push(planned.indexOf(relu));
    }
    if (!flags) { out.push(p); return; }
    for (const g of gone) removed.add(g);
    const resIndex = res >= 0 ? p.inputs.length : -1;
    const zName = values[z]!.name;
    const c: CompiledOp = {
      index: p.c.index, def: ep.def, type: types.join('+'),
      op: { ...p.c.op, input: res >= 0 ? [...p.c.op.input, values[res]!.name] : p.c.op.input.slice(), output: [zName] },
      params: { base: p.c.params, flags, res: resIndex } satisfies EpilogueParams,
    };
    out.push({
      c, inputs: res >= 0 ? [...p.inputs, res] : p.inputs, outputs: [z], outInfos: [values[z]!.info],
      staticOut: p.staticOut, release: [], reuse: [], state: p.state,
    });
  });
  return out;
}
