// Planning a NetDef: compile once per net (ops resolved, args parsed and validated, every problem
// reported together), then plan once per input signature (SSA values for in-place names, shapes
// inferred with data-dependent dims marked, liveness for buffer reuse, weights prepacked).

import { bytesPerElement } from '../core/dtype.js';
import {
  ArgError, Caffe2Error, InputError, PlanError, ShapeError, UnsupportedOpsError, type UnsupportedOp, type Where,
} from '../core/errors.js';
import { isStatic, numel } from '../core/shape.js';
import type { Tensor, ValueInfo } from '../core/tensor.js';
import type { NetDef, OperatorDef } from '../proto/caffe2.js';
import type { OpRegistry } from '../ops/registry.js';
import { checkArity, parseArgs, type AnyOpDef, type OutInfo } from '../ops/schema.js';
import { DEFAULT_MAX_TENSOR_BYTES, checkTensorBytes } from './memory.js';
import { fuseEpilogues } from './fuse.js';
import type { Exec } from '../../kernels/engine.js';

export interface CompiledOp {
  readonly index: number;
  readonly def: AnyOpDef;
  readonly op: OperatorDef;
  readonly type: string;
  readonly params: unknown;
}

export interface CompiledNet {
  readonly net: NetDef;
  readonly ops: readonly CompiledOp[];
  readonly file: string | undefined;
}

export function opWhere(op: OperatorDef, index: number, file?: string): Where {
  return { file, opIndex: index, opType: op.type ?? '?', blob: op.output[0] };
}

/**
 * Resolves every op against the registry and parses its args. Collects all problems and throws
 * them together: UnsupportedOpsError when only ops are missing, PlanError otherwise.
 */
export function compileNet(net: NetDef, registry: OpRegistry, file?: string): CompiledNet {
  const unsupported: UnsupportedOp[] = [];
  const errors: Caffe2Error[] = [];
  const ops: CompiledOp[] = [];
  net.op.forEach((op, index) => {
    const type = op.type ?? '';
    const def = registry.get(type);
    if (!def) {
      unsupported.push({ opIndex: index, opType: type || '(no type)', ...(op.name ? { name: op.name } : {}) });
      return;
    }
    try {
      checkArity(def, op.input.length, op.output.length);
      const args = parseArgs(def, op.arg);
      const params = def.normalize ? def.normalize(args, { numInputs: op.input.length, numOutputs: op.output.length }) : args;
      ops.push({ index, def, op, type, params });
    } catch (e) {
      if (e instanceof Caffe2Error) errors.push(e.at(opWhere(op, index, file)));
      else throw e;
    }
  });
  if (unsupported.length && !errors.length) throw new UnsupportedOpsError(unsupported, { file });
  if (unsupported.length) errors.unshift(new UnsupportedOpsError(unsupported, { file }));
  if (errors.length === 1) throw errors[0];
  if (errors.length) throw new PlanError(errors, { file });
  return { net, ops, file };
}

export interface ValueMeta {
  readonly id: number;
  readonly name: string;
  /** How many earlier values had this name (in-place writes make versions). */
  readonly version: number;
  readonly kind: 'weight' | 'input' | 'temp';
  info: OutInfo;
  /** Index of the last op reading it; -1 if never read. */
  lastUse: number;
  /** The op that produced it (-1 for weights and inputs, -2 for a temp fused away: never produced). */
  producer: number;
}

export interface PlannedOp {
  readonly c: CompiledOp;
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly outInfos: readonly OutInfo[];
  /** Every output shape is known at plan time, so the runner allocates without re-inferring. */
  readonly staticOut: boolean;
  /** Values whose last use is this op (released after it runs). */
  readonly release: readonly number[];
  /** For each output, the input whose buffer it may take over (-1: none). */
  readonly reuse: readonly number[];
  readonly state: unknown;
}

export interface Plan {
  readonly net: CompiledNet;
  readonly ops: readonly PlannedOp[];
  readonly values: readonly ValueMeta[];
  /** Weights and inputs: name -> value id. */
  readonly initial: ReadonlyMap<string, number>;
  readonly inputNames: readonly string[];
  /** External outputs: name -> final value id. */
  readonly outputs: ReadonlyMap<string, number>;
  /** Peak bytes of intermediate blobs (data-dependent dims at their bounds, else counted as 0). */
  readonly peakBytes: number;
  /** True when some intermediate size is data-dependent and unbounded. */
  readonly peakIsLowerBound: boolean;
}

export interface PlanOptions {
  /** Keep every intermediate blob to the end (for --trace dumps and debugging). */
  keepAll?: boolean;
  /** Extra names to keep alive to the end, besides the external outputs. */
  keep?: readonly string[];
  /** Largest static output an op may have, in bytes (default 4 GiB). */
  maxTensorBytes?: number;
  /** The engine ops prepack for (set by the model from its load options). */
  exec?: Exec | null;
  /** Fuse elementwise epilogues into the ops before them (default true; off with keepAll). */
  fuse?: boolean;
}

function infoBytes(info: OutInfo): { bytes: number; bounded: boolean } {
  const shape = isStatic(info.shape) ? info.shape : info.max;
  if (!shape || !isStatic(shape)) return { bytes: 0, bounded: false };
  return { bytes: numel(shape) * bytesPerElement(info.dtype), bounded: true };
}

/**
 * Plans a compiled net for the given inputs. `known` holds blobs that exist before the run
 * (weights from the init net), `inputs` the infos of the fed inputs.
 */
export function planNet(
  cn: CompiledNet,
  known: ReadonlyMap<string, Tensor>,
  inputs: ReadonlyMap<string, ValueInfo>,
  opts: PlanOptions = {},
): Plan {
  const values: ValueMeta[] = [];
  const current = new Map<string, number>();
  const initial = new Map<string, number>();
  const versions = new Map<string, number>();
  const newValue = (name: string, kind: ValueMeta['kind'], info: OutInfo, producer: number): number => {
    const version = versions.get(name) ?? 0;
    versions.set(name, version + 1);
    const id = values.length;
    values.push({ id, name, version, kind, info, lastUse: -1, producer });
    current.set(name, id);
    return id;
  };
  for (const [name, info] of inputs) initial.set(name, newValue(name, 'input', { dtype: info.dtype, shape: info.shape.slice(), ...(info.value ? { value: info.value } : {}) }, -1));

  const planned: PlannedOp[] = [];
  const missing: Caffe2Error[] = [];
  const broken = new Set<string>();
  for (const c of cn.ops) {
    const where = opWhere(c.op, c.index, cn.file);
    const ins: number[] = [];
    for (const name of c.op.input) {
      let id = current.get(name);
      if (id === undefined) {
        const t = known.get(name);
        if (t) {
          id = newValue(name, 'weight', { dtype: t.dtype, shape: t.shape.slice(), value: t }, -1);
          initial.set(name, id);
        } else {
          // an output of an op that could not be planned is not reported again downstream
          if (!broken.has(name)) missing.push(new InputError(`input '${name}' is neither fed, produced by an earlier op, nor in the workspace`, where));
          id = -1;
        }
      }
      ins.push(id);
    }
    if (ins.includes(-1)) {
      for (const name of c.op.output) { broken.add(name); current.delete(name); }
      continue;
    }
    const infos: ValueInfo[] = ins.map((id) => {
      const v = values[id]!.info;
      return { dtype: v.dtype, shape: v.shape, ...(v.value ? { value: v.value } : {}) };
    });
    let outInfos: OutInfo[];
    let state: unknown;
    try {
      outInfos = c.def.infer(infos, c.params, { numInputs: ins.length, numOutputs: c.op.output.length, planning: true });
      outInfos = boundUnknown(c, infos, ins.map((id) => values[id]!.info), outInfos);
      if (outInfos.length !== c.op.output.length) {
        throw new ShapeError(`internal: shape rule gave ${outInfos.length} outputs for ${c.op.output.length}`);
      }
      outInfos.forEach((o, i) => {
        const bound = isStatic(o.shape) ? o.shape : o.max && isStatic(o.max) ? o.max : undefined;
        if (bound) checkTensorBytes(o.dtype, bound, opts.maxTensorBytes ?? DEFAULT_MAX_TENSOR_BYTES, `output '${c.op.output[i]}'`);
      });
      state = c.def.prepare ? c.def.prepare(infos, c.params, { exec: opts.exec ?? null }) : undefined;
    } catch (e) {
      if (e instanceof Caffe2Error) throw e.at(where);
      throw e;
    }
    const outs = c.op.output.map((name, i) => newValue(name, 'temp', outInfos[i]!, c.index));
    for (const id of ins) values[id]!.lastUse = c.index;
    planned.push({
      c, inputs: ins, outputs: outs, outInfos,
      staticOut: outInfos.every((o) => isStatic(o.shape)) && infos.every((i) => isStatic(i.shape)),
      release: [], reuse: [], state,
    });
  }
  if (missing.length === 1) throw missing[0];
  if (missing.length) throw new PlanError(missing, { file: cn.file });

  const outputs = new Map<string, number>();
  for (const name of cn.net.external_output) {
    const id = current.get(name);
    if (id === undefined) {
      if (known.has(name)) continue;
      throw new InputError(`external output '${name}' is never produced`, { file: cn.file, blob: name });
    }
    outputs.set(name, id);
  }
  const keepIds = new Set(outputs.values());
  for (const name of opts.keep ?? []) { const id = current.get(name); if (id !== undefined) keepIds.add(id); }
  if (!opts.keepAll && opts.fuse !== false) {
    const fused = fuseEpilogues(planned, values, keepIds);
    if (fused.length !== planned.length) {
      // reads and writes moved: recount last uses; values no op writes any more are never live
      for (const v of values) { v.lastUse = -1; if (v.kind === 'temp') v.producer = -2; }
      for (const p of fused) {
        for (const id of p.inputs) values[id]!.lastUse = p.c.index;
        for (const id of p.outputs) values[id]!.producer = p.c.index;
      }
      planned.splice(0, planned.length, ...fused);
    }
  }
  const END = Number.MAX_SAFE_INTEGER;
  for (const v of values) {
    if (opts.keepAll || keepIds.has(v.id)) v.lastUse = END;
  }

  // liveness: release each temp at its last use (never-read temps right after their producer);
  // let an output take over a dying same-sized input when the op allows in-place
  let live = 0, peak = 0, unbounded = false;
  const byIndex = new Map(planned.map((p, k) => [p.c.index, k]));
  const releaseAt: number[][] = planned.map(() => []);
  for (const v of values) {
    if (v.kind !== 'temp' || v.lastUse === END || v.producer === -2) continue;
    const at = v.lastUse >= 0 ? v.lastUse : v.producer;
    releaseAt[byIndex.get(at)!]!.push(v.id);
  }
  const result: PlannedOp[] = planned.map((p, k) => {
    const reuse = p.outputs.map(() => -1);
    const pairs = p.c.def.inplace ?? [];
    for (const [o, i] of pairs) {
      const inId = p.inputs[i], outId = p.outputs[o];
      if (inId === undefined || outId === undefined) continue;
      const vin = values[inId]!, vout = values[outId]!;
      if (vin.kind !== 'temp' || vin.lastUse !== p.c.index || p.inputs.indexOf(inId) !== i) continue;
      if (p.inputs.filter((x) => x === inId).length > 1) continue;
      if (vin.info.dtype !== vout.info.dtype || !isStatic(vin.info.shape) || !isStatic(vout.info.shape)) continue;
      if (numel(vin.info.shape) !== numel(vout.info.shape)) continue;
      reuse[o] = i;
    }
    for (let o = 0; o < p.outputs.length; o++) {
      if (reuse[o] !== -1) continue;
      const b = infoBytes(values[p.outputs[o]!]!.info);
      if (!b.bounded) unbounded = true;
      live += b.bytes;
    }
    if (live > peak) peak = live;
    for (const id of releaseAt[k]!) {
      const v = values[id]!;
      const taken = p.outputs.some((_, o) => reuse[o] !== -1 && p.inputs[reuse[o]!] === id);
      if (!taken) live -= infoBytes(v.info).bytes;
    }
    return { ...p, release: releaseAt[k]!, reuse };
  });

  return {
    net: cn, ops: result, values, initial, inputNames: [...inputs.keys()], outputs,
    peakBytes: peak, peakIsLowerBound: unbounded,
  };
}

/**
 * Outputs with data-dependent dims and no bound of their own get one by inferring again with
 * every unknown input at its bound (shape rules are monotonic in their input sizes). A rule that
 * rejects the bound shapes leaves the output unbounded.
 */
function boundUnknown(c: CompiledOp, infos: readonly ValueInfo[], inInfos: readonly OutInfo[], outs: OutInfo[]): OutInfo[] {
  if (outs.every((o) => isStatic(o.shape) || o.max)) return outs;
  if (!inInfos.every((i) => isStatic(i.shape) || (i.max && isStatic(i.max)))) return outs;
  if (inInfos.every((i) => isStatic(i.shape))) return outs;
  let bounds: OutInfo[];
  try {
    const at = infos.map((info, k) => (isStatic(info.shape) ? info : { dtype: info.dtype, shape: inInfos[k]!.max!.slice() }));
    bounds = c.def.infer(at, c.params, { numInputs: at.length, numOutputs: outs.length, planning: true });
  } catch {
    return outs;
  }
  return outs.map((o, k) => {
    const b = bounds[k];
    return isStatic(o.shape) || o.max || !b || !isStatic(b.shape) || b.shape.length !== o.shape.length ? o : { ...o, max: b.shape };
  });
}

export function checkFeeds(inputNames: readonly string[], feeds: ReadonlyMap<string, unknown>, file?: string): void {
  const missing = inputNames.filter((n) => !feeds.has(n));
  if (missing.length) throw new InputError(`missing input${missing.length > 1 ? 's' : ''} ${missing.map((n) => `'${n}'`).join(', ')}`, { file });
}

export { ArgError };
