// ONNX graph -> Caffe2 ops. Nodes are lowered in graph order by the rules in rules/ (keyed by op
// and opset range). Every emitted op gets its output infos from the op's own shape rule, and an
// op whose inputs are all constant is run at once with our interpreter: its outputs become
// constants (the "split_init" part of Caffe2's backend), so later rules can read their values.
// Every node that cannot be lowered is collected and reported together at the end.

import { Caffe2Error, ModelFormatError, NotSupportedError, PlanError, UnsupportedOpsError, type UnsupportedOp, type Where } from '../core/errors.js';
import { infoOf, type Tensor, type ValueInfo } from '../core/tensor.js';
import { Caffe2Model } from '../caffe2/model.js';
import type { NetDef, OperatorDef } from '../proto/caffe2.js';
import { emptyMessage } from '../proto/caffe2.js';
import { defaultRegistry } from '../ops/index.js';
import type { OpRegistry } from '../ops/registry.js';
import { parseArgs, type AnyOpDef } from '../ops/schema.js';
import { makeOp } from './args.js';
import { MissingInfoError, NeedsConstantError, RuleCtx, UnsupportedNodeError, type LowerServices, type RuleOptions } from './context.js';
import { inlineFunctions } from './functions.js';
import { onnxTensor, onnxTypeName, type ExternalDataLoader, type OnnxModel, type OnnxNode, type OnnxValueInfo } from './reader.js';
import { findRule, isCaffe2Domain } from './rules/index.js';

/** Where an emitted Caffe2 op came from. */
export interface Provenance {
  readonly node: OnnxNode;
  readonly opset: number;
}

/** Unsupported nodes; `constantInputs` are graph inputs that would lower if bound to values (LowerOptions.constants). */
export class UnsupportedNodesError extends UnsupportedOpsError {
  constructor(ops: UnsupportedOp[], where: Where, readonly constantInputs: readonly string[]) {
    super(ops, where);
    this.name = 'UnsupportedOpsError'; // what users see; the subclass only carries constantInputs
  }
}

export interface LowerOptions {
  registry?: OpRegistry;
  /**
   * Graph inputs bound to values: they become parameters. ONNX passes axes, scales, K, split...
   * as tensors a caller could feed; Caffe2 takes them as arguments, so they must be known.
   */
  constants?: ReadonlyMap<string, Tensor>;
  externalData?: ExternalDataLoader;
  rules?: Partial<RuleOptions>;
  /** Called after each node: (nodes done, total). */
  onProgress?: (done: number, total: number) => void;
}

export interface LoweredGraph {
  readonly graphName: string;
  /** Ops that run per inference, in order (constant-only ops are folded away). */
  readonly ops: OperatorDef[];
  /** Graph inputs fed at run time (initializers excluded), in graph order. */
  readonly inputs: string[];
  readonly outputs: string[];
  /** Initializers and folded constants, in creation order (pruned to the used ones later). */
  readonly params: Map<string, Tensor>;
  /** Dtype and shape of every blob shape inference reached, at the traced input size. */
  readonly infos: Map<string, ValueInfo>;
  readonly provenance: WeakMap<OperatorDef, Provenance>;
  /** Caffe2 ops emitted in total (before folding) and how many were folded into constants. */
  readonly stats: { nodes: number; emitted: number; folded: number };
}

/** Ops whose outputs are random or need a run-time feed: never folded. */
const NO_FOLD = new Set(['GaussianFill', 'UniformFill', 'UniformIntFill', 'RandomNormal', 'RandomUniform', 'AliasWithName', 'ATen']);

/** Ops removed or rewritten by the detectron2 fixes: checked after them, shape = input's. */
const PASS_THROUGH = new Set(['AliasWithName']);

const DUMMY_PREFIX = 'OC2_DUMMY_';

export function lowerGraph(model: OnnxModel, opts: LowerOptions = {}): LoweredGraph {
  const registry = opts.registry ?? defaultRegistry;
  const file = model.file;
  const graph = inlineFunctions(model);
  const ruleOptions: RuleOptions = { upsampleLinear: 'half_pixel', ...opts.rules };

  const params = new Map<string, Tensor>();
  const consts = new Map<string, Tensor>();
  const infos = new Map<string, ValueInfo>();
  const declared = new Map<string, OnnxValueInfo>();
  const poison = new Map<string, string>();
  const provenance = new WeakMap<OperatorDef, Provenance>();
  const unsupported: UnsupportedOp[] = [];
  const problems: Caffe2Error[] = [];
  const used = new Set<string>();

  // initializers: in the order the graph lists them as inputs (how Caffe2 lists external
  // inputs), then the rest in initializer order
  const initByName = new Map(graph.initializers.map((t) => [t.name ?? '', t]));
  const initOrder = [...graph.inputs.map((i) => i.name).filter((n) => initByName.has(n)), ...initByName.keys()];
  for (const name of initOrder) {
    if (params.has(name)) continue;
    try {
      const t = onnxTensor(initByName.get(name)!, { ...(opts.externalData ? { externalData: opts.externalData } : {}), where: { ...(file ? { file } : {}), blob: name } });
      params.set(name, t);
      consts.set(name, t);
      infos.set(name, infoOf(t));
    } catch (e) {
      if (!(e instanceof Caffe2Error)) throw e;
      problems.push(e);
      poison.set(name, e.message);
    }
  }

  for (const [name, t] of opts.constants ?? []) {
    if (!graph.inputs.some((i) => i.name === name)) throw new ModelFormatError(`'${name}' is bound to a constant but is not a graph input`, { ...(file ? { file } : {}), blob: name });
    params.set(name, t); consts.set(name, t); infos.set(name, infoOf(t));
  }
  const inputs: string[] = [];
  const needsConstant = new Set<string>();
  for (const vi of graph.inputs) {
    if (initByName.has(vi.name) || opts.constants?.has(vi.name)) continue;
    inputs.push(vi.name);
    if (vi.dtype && vi.shape) infos.set(vi.name, { dtype: vi.dtype, shape: vi.shape.slice() });
    else if (!vi.dtype) {
      const what = vi.nonTensor ? `a ${vi.nonTensor}` : `of element type ${onnxTypeName(vi.elemType)}`;
      problems.push(new NotSupportedError(`graph input is ${what}, which a Caffe2 tensor cannot hold`, { ...(file ? { file } : {}), blob: vi.name }));
      poison.set(vi.name, 'unsupported input type');
    }
  }
  for (const vi of [...graph.valueInfo, ...graph.outputs]) declared.set(vi.name, vi);

  for (const vi of graph.inputs) used.add(vi.name);
  for (const vi of graph.outputs) used.add(vi.name);
  for (const n of graph.nodes) { for (const x of n.inputs) used.add(x); for (const x of n.outputs) used.add(x); }
  let dummyCounter = 0;
  const dummy = (): string => {
    for (;;) {
      const name = `${DUMMY_PREFIX}${dummyCounter++}`;
      if (!used.has(name)) { used.add(name); return name; }
    }
  };

  const ops: OperatorDef[] = [];
  const outputNames = new Set(graph.outputs.map((o) => o.name));
  let emitted = 0, folded = 0;
  const where = (node: OnnxNode, blob?: string): Where => ({
    ...(file ? { file } : {}), opIndex: node.index, opType: node.opType, ...(blob ?? node.outputs[0] ? { blob: blob ?? node.outputs[0] } : {}),
  });

  const defined = new Set<string>([...params.keys(), ...initByName.keys(), ...inputs]);
  const inputSet = new Set(inputs);
  graph.nodes.forEach((node, k) => {
    const opset = node.opset ?? model.opsets.get(node.domain) ?? (isCaffe2Domain(node.domain) ? 1 : 0);
    const pending: { op: OperatorDef; value?: Tensor }[] = [];
    const services: LowerServices = {
      info: (n) => infos.get(n) ?? declaredInfo(declared.get(n)),
      constant: (n) => consts.get(n),
      poisoned: (n) => poison.has(n),
      dummy,
      emit: (op) => { pending.push({ op }); },
      emitConstant: (op, value) => { pending.push({ op, value }); },
      options: ruleOptions,
    };
    const poisonOutputs = (why: string): void => { for (const o of node.outputs) if (o) poison.set(o, why); };
    try {
      for (const x of node.inputs) {
        if (x && !defined.has(x)) {
          throw new ModelFormatError(`input '${x}' is neither a graph input, an initializer, nor the output of an earlier node (the graph is not topologically sorted)`, where(node, x));
        }
      }
      const rule = findRule(node.domain, node.opType, opset);
      if (!rule) {
        const known = node.domain === '' ? 'no lowering to Caffe2 ops' : `domain '${node.domain}' is not an ONNX or Caffe2 domain`;
        throw new UnsupportedNodeError(known, where(node));
      }
      rule(new RuleCtx(node, opset, services, file));
    } catch (e) {
      pending.length = 0;
      if (e instanceof MissingInfoError) { poisonOutputs(poison.get(e.blob) ?? 'after an unsupported node'); return; }
      if (e instanceof NeedsConstantError && inputSet.has(e.blob)) needsConstant.add(e.blob);
      if (e instanceof UnsupportedNodeError || e instanceof NotSupportedError) {
        unsupported.push(unsupportedEntry(node, opset, e.detail));
        poisonOutputs(`after unsupported node #${node.index}`);
        return;
      }
      if (e instanceof Caffe2Error) { problems.push(e.at(where(node))); poisonOutputs(`after node #${node.index}`); return; }
      throw e;
    } finally {
      for (const o of node.outputs) if (o) defined.add(o);
      opts.onProgress?.(k + 1, graph.nodes.length);
    }

    for (const { op, value } of pending) {
      emitted++;
      provenance.set(op, { node, opset });
      if (value) {
        const n = op.output[0]!;
        consts.set(n, value); params.set(n, value); infos.set(n, infoOf(value));
        folded++;
        continue;
      }
      const type = op.type ?? '';
      const def = registry.get(type);
      const allConst = op.input.every((x) => consts.has(x));
      if (!def && !PASS_THROUGH.has(type) && type !== 'ATen') {
        unsupported.push(unsupportedEntry(node, opset, `lowers to Caffe2 '${type}', which this runtime does not implement`));
        for (const o of op.output) poison.set(o, `after unimplemented op ${type}`);
        continue;
      }
      if (def && allConst && !NO_FOLD.has(type) && !op.output.some((o) => outputNames.has(o))) {
        try {
          const values = runConstant(op, consts, registry);
          for (const [n, t] of values) { consts.set(n, t); params.set(n, t); infos.set(n, infoOf(t)); }
          folded++;
          continue;
        } catch (e) {
          if (!(e instanceof Caffe2Error)) throw e;
          problems.push(new (e.constructor as typeof Caffe2Error)(`Caffe2 ${type} (folding constants): ${e.detail}`, { ...where(node), ...withoutOpIndex(e.where) }));
          for (const o of op.output) poison.set(o, 'failed constant folding');
          continue;
        }
      }
      ops.push(op);
      for (const o of op.output) { consts.delete(o); params.delete(o); }
      try {
        const outs = inferOp(op, def, infos, consts);
        op.output.forEach((o, i) => {
          const info = outs?.[i] ?? declaredInfo(declared.get(o));
          if (info) infos.set(o, info); else infos.delete(o);
        });
      } catch (e) {
        if (!(e instanceof Caffe2Error)) throw e;
        problems.push(new (e.constructor as typeof Caffe2Error)(`Caffe2 ${type}: ${e.detail}`, { ...where(node), ...withoutOpIndex(e.where) }));
        for (const o of op.output) poison.set(o, `after a failed shape rule in node #${node.index}`);
      }
    }
  });

  for (const o of graph.outputs) {
    const t = consts.get(o.name);
    if (t && !ops.some((op) => op.output.includes(o.name))) {
      // a constant graph output: the run must still produce it, so it is copied from a parameter
      const p = dummy();
      params.delete(o.name);
      params.set(p, t);
      ops.push(makeOp('Copy', [p], [o.name]));
      continue;
    }
    if (!ops.some((op) => op.output.includes(o.name)) && !inputs.includes(o.name) && !poison.has(o.name)) {
      problems.push(new ModelFormatError(`graph output '${o.name}' is never produced`, { ...(file ? { file } : {}), blob: o.name }));
    }
  }
  if (unsupported.length || problems.length) {
    const err = new UnsupportedNodesError(unsupported, file ? { file } : {}, [...needsConstant]);
    if (!problems.length) throw err;
    if (!unsupported.length && problems.length === 1) throw problems[0]!;
    throw new PlanError(unsupported.length ? [err, ...problems] : problems, file ? { file } : {});
  }
  return {
    graphName: graph.name, ops, inputs, outputs: graph.outputs.map((o) => o.name), params, infos, provenance,
    stats: { nodes: graph.nodes.length, emitted, folded },
  };
}

function withoutOpIndex(w: Where): Where {
  const { opIndex: _i, opType: _t, file: _f, ...rest } = w;
  return rest;
}

function unsupportedEntry(node: OnnxNode, opset: number, reason: string): UnsupportedOp {
  const type = node.domain ? `${node.domain}::${node.opType}` : node.opType;
  return { opIndex: node.index, opType: type, name: node.name || node.outputs[0] || '', note: `opset ${opset}: ${reason}` };
}

function declaredInfo(vi: OnnxValueInfo | undefined): ValueInfo | undefined {
  if (!vi || !vi.dtype || !vi.shape) return undefined;
  return { dtype: vi.dtype, shape: vi.shape.slice() };
}

/** Output infos of one op from its shape rule; undefined when an input info is unknown. */
function inferOp(op: OperatorDef, def: AnyOpDef | undefined, infos: Map<string, ValueInfo>, consts: Map<string, Tensor>): (ValueInfo | undefined)[] | undefined {
  const ins: ValueInfo[] = [];
  for (const n of op.input) {
    const c = consts.get(n);
    const i = c ? infoOf(c) : infos.get(n);
    if (!i) return undefined;
    ins.push(i);
  }
  if (!def) {
    // AliasWithName / ATen group_norm: identity-shaped, checked after the detectron2 fixes
    return op.output.map(() => (ins[0] ? { dtype: ins[0].dtype, shape: ins[0].shape.slice() } : undefined));
  }
  const args = parseArgs(def, op.arg);
  const p = def.normalize ? def.normalize(args, { numInputs: op.input.length, numOutputs: op.output.length }) : args;
  const outs = def.infer(ins, p, { numInputs: ins.length, numOutputs: op.output.length, planning: true });
  return outs.map((o) => ({ dtype: o.dtype, shape: o.shape.slice(), ...(o.value ? { value: o.value } : {}) }));
}

/** Runs one op on constant inputs with our interpreter; returns its outputs by name. */
export function runConstant(op: OperatorDef, consts: ReadonlyMap<string, Tensor>, registry: OpRegistry): Map<string, Tensor> {
  const net = emptyMessage<NetDef>('NetDef', { name: 'fold', op: [op], external_input: [...new Set(op.input)], external_output: [...new Set(op.output)] });
  const weights = new Map<string, Tensor>();
  for (const n of op.input) weights.set(n, consts.get(n)!);
  const model = new Caffe2Model(net, undefined, { registry, weights });
  const out = model.run(new Map());
  const res = new Map<string, Tensor>();
  for (const n of op.output) {
    const t = out.get(n);
    if (!t) throw new NotSupportedError(`output '${n}' was not produced`, { blob: n });
    res.set(n, t);
  }
  return res;
}
