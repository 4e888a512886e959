// ONNX bytes -> Caffe2 nets, end to end: read, lower (with constant folding), detectron2's fixes,
// every op checked against our op schemas (reported with the ONNX node it came from), meta args,
// and a plan of the result at the traced input size (its shapes label model.svg). Browser-safe.

import { Caffe2Error, PlanError, UnsupportedOpsError, type UnsupportedOp } from '../core/errors.js';
import { isStatic } from '../core/shape.js';
import type { ValueInfo } from '../core/tensor.js';
import { Caffe2Model } from '../caffe2/model.js';
import type { Plan } from '../caffe2/planner.js';
import type { NetDef, OperatorDef } from '../proto/caffe2.js';
import { defaultRegistry } from '../ops/index.js';
import type { OpRegistry } from '../ops/registry.js';
import { checkArity, parseArgs } from '../ops/schema.js';
import { applyDetectron2Fixes, type Caffe2Graph } from './fixes.js';
import { lowerGraph, type LowerOptions, type Provenance } from './lower.js';
import { buildMeta, readConfig, type MetaEntry } from './meta.js';
import { readOnnxModel, type OnnxModel } from './reader.js';
import { buildNets } from './writer.js';

export interface ConvertOptions extends LowerOptions {
  /** detectron2 config.yaml text (its converter's --config-file). */
  config?: string;
  configFile?: string;
  /** Meta values that win over config and graph: key -> value text. */
  meta?: Readonly<Record<string, string>>;
  /** Skip planning the result at the traced input size (then model.svg has no shapes). */
  noPlan?: boolean;
}

export interface ConvertSummary {
  onnxNodes: number;
  opsets: string;
  irVersion: number;
  /** Caffe2 ops in the predict net, by type. */
  ops: number;
  histogram: [string, number][];
  params: number;
  paramValues: number;
  paramBytes: number;
  folded: number;
  fixes: { aliases: number; reshapesForFc: number; groupNorms: number; deadOps: number };
  inputs: string[];
  outputs: string[];
}

export interface ConvertResult {
  predictNet: NetDef;
  initNet: NetDef;
  meta: MetaEntry[];
  warnings: string[];
  /** Dtype/shape of blobs at the traced input size (from the plan when it ran). */
  infos: Map<string, ValueInfo>;
  /** The inputs' infos at the traced size. */
  inputInfos: Map<string, ValueInfo>;
  plan: Plan | undefined;
  provenance: WeakMap<OperatorDef, Provenance>;
  summary: ConvertSummary;
}

export function convertOnnx(bytes: Uint8Array, opts: ConvertOptions & { file?: string; onRead?: (done: number, total: number) => void } = {}): ConvertResult {
  const model = readOnnxModel(bytes, { ...(opts.file ? { file: opts.file } : {}), ...(opts.onRead ? { onProgress: opts.onRead } : {}) });
  return convertOnnxModel(model, opts);
}

export function convertOnnxModel(model: OnnxModel, opts: ConvertOptions = {}): ConvertResult {
  const registry = opts.registry ?? defaultRegistry;
  const lowered = lowerGraph(model, opts);
  const g: Caffe2Graph = {
    name: lowered.graphName, ops: lowered.ops, inputs: lowered.inputs.slice(), outputs: lowered.outputs.slice(),
    params: lowered.params, infos: lowered.infos,
  };
  const fixes = applyDetectron2Fixes(g);
  const cfg = opts.config !== undefined ? readConfig(opts.config, opts.configFile) : undefined;
  const { entries, warnings } = buildMeta(g, { ...(cfg ? { config: cfg } : {}), ...(opts.configFile ? { configFile: opts.configFile } : {}), ...(opts.meta ? { overrides: opts.meta } : {}) });
  const nets = buildNets(g, entries);
  checkOps(nets.predictNet, registry, lowered.provenance, model.file);

  const inputInfos = new Map<string, ValueInfo>();
  for (const n of g.inputs) { const i = g.infos.get(n); if (i) inputInfos.set(n, i); }
  let plan: Plan | undefined;
  const infos = new Map(g.infos);
  if (!opts.noPlan && inputInfos.size === g.inputs.length && [...inputInfos.values()].every((i) => isStatic(i.shape))) {
    const m = new Caffe2Model(nets.predictNet, nets.initNet, { registry, predictFile: 'model.pb', initFile: 'model_init.pb' });
    plan = m.plan(inputInfos);
    for (const v of plan.values) infos.set(v.name, { dtype: v.info.dtype, shape: v.info.shape.slice() });
  }

  const hist = new Map<string, number>();
  for (const op of g.ops) hist.set(op.type ?? '?', (hist.get(op.type ?? '?') ?? 0) + 1);
  let paramValues = 0, paramBytes = 0;
  for (const t of g.params.values()) { paramValues += t.size; paramBytes += t.bytes; }
  return {
    ...nets, meta: entries, warnings, infos, inputInfos, plan, provenance: lowered.provenance,
    summary: {
      onnxNodes: lowered.stats.nodes,
      opsets: [...model.opsets].map(([d, v]) => `${d || 'ai.onnx'} ${v}`).join(', '),
      irVersion: model.irVersion,
      ops: g.ops.length,
      histogram: [...hist].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
      params: g.params.size, paramValues, paramBytes,
      folded: lowered.stats.folded,
      fixes,
      inputs: g.inputs.slice(), outputs: g.outputs.slice(),
    },
  };
}

/** Every predict op against its schema (CheckOpSchemaArguments), reported with its ONNX node. */
function checkOps(net: NetDef, registry: OpRegistry, prov: WeakMap<OperatorDef, Provenance>, file: string | undefined): void {
  const unsupported: UnsupportedOp[] = [];
  const errors: Caffe2Error[] = [];
  net.op.forEach((op, i) => {
    const p = prov.get(op);
    const from = p ? `from ONNX node #${p.node.index} ${p.node.opType}${p.node.name ? ` '${p.node.name}'` : ''}, opset ${p.opset}` : undefined;
    const def = registry.get(op.type ?? '');
    if (!def) {
      unsupported.push({ opIndex: i, opType: op.type ?? '?', ...(from ? { note: `${from}; not implemented by this runtime` } : {}) });
      return;
    }
    try {
      checkArity(def, op.input.length, op.output.length);
      const a = parseArgs(def, op.arg);
      if (def.normalize) def.normalize(a, { numInputs: op.input.length, numOutputs: op.output.length });
    } catch (e) {
      if (!(e instanceof Caffe2Error)) throw e;
      errors.push(e.at({ file: 'model.pb', opIndex: i, opType: `${op.type}${from ? ` (${from})` : ''}`, ...(op.output[0] ? { blob: op.output[0] } : {}) }));
    }
  });
  const where = file ? { file } : {};
  if (unsupported.length && !errors.length) throw new UnsupportedOpsError(unsupported, where);
  if (unsupported.length) errors.unshift(new UnsupportedOpsError(unsupported, where));
  if (errors.length === 1) throw errors[0]!;
  if (errors.length) throw new PlanError(errors, where);
}
