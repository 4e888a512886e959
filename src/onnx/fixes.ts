// detectron2's graph rewrites after the ONNX -> Caffe2 lowering (detectron2/export/shared.py),
// in its order: fuse AliasWithName placeholders (this names the blobs data, im_info, bbox_nms,
// ...), fuse CPU<->GPU copy pairs, remove Reshape-before-FC subgraphs, GroupNorm from ATen
// group_norm; then dead ops and unused parameters are dropped. ONNX-derived nets are in SSA form
// (every blob written once), so renames are plain name maps here.

import { Caffe2Error, ModelFormatError, NotSupportedError, type Where } from '../core/errors.js';
import type { Tensor, ValueInfo } from '../core/tensor.js';
import type { Argument, OperatorDef } from '../proto/caffe2.js';
import { decodeUtf8 } from '../proto/wire.js';
import { F, I, makeArgument } from './args.js';

/** A lowered predict net with its parameters, as the fixes rewrite it. */
export interface Caffe2Graph {
  name: string;
  ops: OperatorDef[];
  /** Blobs fed at run time. */
  inputs: string[];
  outputs: string[];
  params: Map<string, Tensor>;
  infos: Map<string, ValueInfo>;
}

/** A rewrite that cannot be applied as detectron2 defines it (its IllegalGraphTransformError). */
export class GraphTransformError extends Caffe2Error {}

function argOf(op: OperatorDef, name: string): Argument | undefined { return op.arg.find((a) => a.name === name); }
function argStr(op: OperatorDef, name: string): string | undefined {
  const a = argOf(op, name);
  return a?.s ? decodeUtf8(a.s, 0, a.s.length) : undefined;
}
function argInt(op: OperatorDef, name: string): number | undefined {
  const a = argOf(op, name);
  return a?.i !== undefined ? Number(a.i) : a?.f !== undefined ? a.f : undefined;
}

/** Renames blob `from` to `to` everywhere: op inputs/outputs, net inputs/outputs, params, infos. */
export function renameBlob(g: Caffe2Graph, from: string, to: string): void {
  if (from === to) return;
  const sub = (xs: string[]): void => { for (let i = 0; i < xs.length; i++) if (xs[i] === from) xs[i] = to; };
  for (const op of g.ops) { sub(op.input); sub(op.output); }
  sub(g.inputs); sub(g.outputs);
  const p = g.params.get(from);
  if (p) { g.params.delete(from); g.params.set(to, p); }
  const inf = g.infos.get(from);
  if (inf) { g.infos.delete(from); g.infos.set(to, inf); }
}

function blobNames(g: Caffe2Graph): Set<string> {
  const s = new Set<string>([...g.inputs, ...g.outputs, ...g.params.keys()]);
  for (const op of g.ops) { for (const x of op.input) s.add(x); for (const x of op.output) s.add(x); }
  return s;
}

function opWhere(op: OperatorDef, index: number): Where {
  return { opIndex: index, opType: op.type ?? '?', ...(op.output[0] ? { blob: op.output[0] } : {}) };
}

/**
 * fuse_alias_placeholder: for each AliasWithName(x) -> y with arg `name`: rename x to `name` (x must
 * have no other consumer) or, with is_backward, rename the output of x's producer; then rename y
 * to `name`, and delete the op.
 */
export function fuseAliasPlaceholders(g: Caffe2Graph): void {
  for (let i = 0; i < g.ops.length; i++) {
    const op = g.ops[i]!;
    if (op.type !== 'AliasWithName') continue;
    const where = opWhere(op, i);
    if (op.input.length !== 1 || op.output.length !== 1) throw new ModelFormatError(`AliasWithName takes one input and one output, got ${op.input.length} and ${op.output.length}`, where);
    const name = argStr(op, 'name');
    if (!name) throw new ModelFormatError("AliasWithName has no string arg 'name'", { ...where, arg: 'name' });
    const x = op.input[0]!;
    if (argInt(op, 'is_backward')) {
      if (!g.ops.slice(0, i).some((o) => o.output.includes(x))) {
        throw new GraphTransformError(`is_backward alias of '${x}', which no op produces (an input or a parameter)`, where);
      }
    } else {
      const consumers = g.ops.filter((o) => o.input.includes(x)).length;
      if (consumers > 1) throw new GraphTransformError(`input '${x}' is consumed by ${consumers - 1} other op(s); detectron2 renames it only when the alias is its sole consumer`, where);
    }
    const y = op.output[0]!;
    if (name !== x && name !== y && blobNames(g).has(name)) throw new GraphTransformError(`the name '${name}' is already used by another blob`, where);
    renameBlob(g, x, name);
    renameBlob(g, y, name);
  }
  g.ops = g.ops.filter((op, i) => {
    if (op.type !== 'AliasWithName') return true;
    if (op.input[0] !== op.output[0] || op.input[0] !== argStr(op, 'name')) {
      throw new GraphTransformError(`internal: alias not fused (${op.input[0]} -> ${op.output[0]})`, opWhere(op, i));
    }
    return false;
  });
}

const COPIES = new Set(['CopyCPUToGPU', 'CopyGPUToCPU']);

/** fuse_copy_between_cpu_and_gpu: drop a copy whose consumers are all the reverse copy. */
export function fuseCopyPairs(g: Caffe2Graph): void {
  for (let changed = true; changed;) {
    changed = false;
    for (const op of g.ops) {
      if (!COPIES.has(op.type ?? '')) continue;
      const out = op.output[0]!;
      if (g.outputs.includes(out)) continue;
      const consumers = g.ops.filter((o) => o.input.includes(out));
      if (!consumers.length || !consumers.every((c) => COPIES.has(c.type ?? '') && c.type !== op.type && !g.outputs.includes(c.output[0]!))) continue;
      for (const c of consumers) renameBlob(g, c.output[0]!, op.input[0]!);
      const dead = new Set([op, ...consumers]);
      g.ops = g.ops.filter((o) => !dead.has(o));
      changed = true;
      break;
    }
  }
}

/**
 * remove_reshape_for_fc: a Reshape(x, shape) whose output feeds only FC ops, with the ops computing
 * `shape` from x alone (Shape/Gather/Concat/... within 15 ops), is deleted together with that
 * subgraph: Caffe2's FC flattens its input at axis 1 itself.
 */
export function removeReshapeForFc(g: Caffe2Graph): number {
  let removed = 0;
  for (let i = 0; i < g.ops.length; i++) {
    const op = g.ops[i]!;
    if (op.type !== 'Reshape' || op.input.length !== 2) continue;
    const [x, shape] = op.input as [string, string];
    const y = op.output[0]!;
    const consumers = g.ops.filter((o) => o.input.includes(y));
    if (!consumers.length || !consumers.every((o) => o.type === 'FC' && o.input[0] === y) || g.outputs.includes(y)) continue;
    // the subgraph producing `shape`: walk producers back (at most 15 ops) until x or parameters
    const sub = new Set<OperatorDef>();
    const externals = new Set<string>();
    const stack = [shape];
    let ok = true;
    while (stack.length && ok) {
      const b = stack.pop()!;
      if (b === x || g.params.has(b)) { externals.add(b); continue; }
      const k = lastProducer(g.ops, b, i);
      if (k < 0 || i - k > 15) { ok = false; break; }
      const p = g.ops[k]!;
      if (sub.has(p)) continue;
      sub.add(p);
      stack.push(...p.input);
    }
    const nonParam = [...externals].filter((b) => !g.params.has(b));
    if (!ok || nonParam.length > 1 || (nonParam.length === 1 && nonParam[0] !== x)) continue;
    // every intermediate of the subgraph must be used only inside it (and by the Reshape)
    const inside = new Set([...sub].flatMap((o) => o.output));
    const leaks = g.ops.some((o) => !sub.has(o) && o !== op && o.input.some((b) => inside.has(b))) || g.outputs.some((b) => inside.has(b));
    if (leaks) continue;
    g.ops = g.ops.filter((o) => o !== op && !sub.has(o));
    for (const c of consumers) for (let k = 0; k < c.input.length; k++) if (c.input[k] === y) c.input[k] = x;
    removed++;
    i = -1;
  }
  return removed;
}

function lastProducer(ops: readonly OperatorDef[], blob: string, before: number): number {
  for (let k = before - 1; k >= 0; k--) if (ops[k]!.output.includes(blob)) return k;
  return -1;
}

/**
 * group_norm_replace_aten_with_caffe2: ATen(operator="group_norm") -> GroupNorm with `group` from
 * num_groups. detectron2 leaves `eps`, which Caffe2's GroupNorm ignored (it reads `epsilon`); we
 * write it as `epsilon` so the value is kept and the op's args stay valid. `cudnn_enabled` and the
 * empty `overload_name` newer exporters add are dropped.
 */
export function groupNormFromAten(g: Caffe2Graph): number {
  let n = 0;
  g.ops.forEach((op, i) => {
    if (op.type !== 'ATen') return;
    const operator = argStr(op, 'operator');
    if (operator !== 'group_norm') throw new NotSupportedError(`ATen operator '${operator ?? '?'}' has no Caffe2 equivalent (only group_norm is converted)`, opWhere(op, i));
    const groups = argInt(op, 'num_groups');
    if (groups === undefined) throw new ModelFormatError("ATen group_norm has no 'num_groups'", opWhere(op, i));
    const eps = argOf(op, 'eps');
    op.type = 'GroupNorm';
    op.arg = [makeArgument('group', I(groups)), ...(eps ? [makeArgument('epsilon', F(eps.f ?? Number(eps.i ?? 0n)))] : [])];
    if (op.input.length !== 3) throw new ModelFormatError(`ATen group_norm takes (X, weight, bias), got ${op.input.length} inputs`, opWhere(op, i));
    n++;
  });
  return n;
}

/**
 * Drops ops none of whose outputs is used later or is a net output (walking backwards). An op
 * without outputs (Assert) runs for its check and is kept.
 */
export function removeDeadOps(g: Caffe2Graph): number {
  const live = new Set(g.outputs);
  const keep: OperatorDef[] = [];
  for (let i = g.ops.length - 1; i >= 0; i--) {
    const op = g.ops[i]!;
    if (op.output.length && !op.output.some((o) => live.has(o))) continue;
    for (const o of op.output) live.delete(o);
    for (const x of op.input) live.add(x);
    keep.push(op);
  }
  const removed = g.ops.length - keep.length;
  g.ops = keep.reverse();
  return removed;
}

/** Keeps the parameters the predict ops read (or that are net outputs), in their order. */
export function pruneParams(g: Caffe2Graph): void {
  const usedNames = new Set<string>(g.outputs);
  const produced = new Set<string>();
  for (const op of g.ops) {
    for (const x of op.input) if (!produced.has(x)) usedNames.add(x);
    for (const o of op.output) produced.add(o);
  }
  for (const k of [...g.params.keys()]) if (!usedNames.has(k) || produced.has(k)) g.params.delete(k);
}

/** Every fix in detectron2's order; returns what each did, for the convert summary. */
export function applyDetectron2Fixes(g: Caffe2Graph): { aliases: number; reshapesForFc: number; groupNorms: number; deadOps: number } {
  const aliases = g.ops.filter((o) => o.type === 'AliasWithName').length;
  fuseAliasPlaceholders(g);
  if (g.ops.some((o) => COPIES.has(o.type ?? ''))) fuseCopyPairs(g);
  const reshapesForFc = removeReshapeForFc(g);
  const groupNorms = groupNormFromAten(g);
  const deadOps = removeDeadOps(g);
  pruneParams(g);
  return { aliases, reshapesForFc, groupNorms, deadOps };
}
