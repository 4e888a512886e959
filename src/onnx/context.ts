// What a lowering rule sees of one ONNX node: typed attributes, input infos and constant values
// (from shape inference and constant folding with our own interpreter), and `emit` to produce
// Caffe2 ops with Caffe2 argument names. Rules throw `ctx.fail(reason)` for what Caffe2 ops
// cannot express; the driver collects every such node into one UnsupportedOpsError.

import { ModelFormatError, NotSupportedError, shapeStr, type Where } from '../core/errors.js';
import type { Tensor, ValueInfo } from '../core/tensor.js';
import type { OperatorDef } from '../proto/caffe2.js';
import { F, makeOp, type ArgMap, type ArgValue } from './args.js';
import { fillOpFor } from './fills.js';
import { attrString, attrStrings, onnxTypeName, type AttrType, type OnnxAttr, type OnnxNode } from './reader.js';

/** A node that no Caffe2 op sequence can express (or not without information we lack). */
export { F, I, S, INTS, FLOATS, STRINGS, makeOp, makeArgument, type ArgMap, type ArgValue } from './args.js';

export class UnsupportedNodeError extends NotSupportedError {}

/** A rule needs an input's value as an argument, and the value is not a constant. */
export class NeedsConstantError extends UnsupportedNodeError {
  constructor(detail: string, where: Where, readonly blob: string) { super(detail, where); }
}

/** A rule needed an input's shape or value, and the input comes after an unsupported node. */
export class MissingInfoError extends NotSupportedError {
  constructor(detail: string, where: Where, readonly blob: string) { super(detail, where); }
}

/**
 * The generic conversion of an ONNX attribute to a Caffe2 argument (Caffe2's
 * `_common_onnx_node_to_caffe2_op`): float -> f, int -> i, string -> s, lists likewise.
 */
export function attrToArg(a: OnnxAttr, where: Where): ArgValue {
  switch (a.type) {
    case 'float': return F(a.f);
    case 'int': return { k: 'i', v: a.i };
    case 'string': return { k: 's', v: a.s };
    case 'floats': return { k: 'floats', v: Array.from(a.floats) };
    case 'ints': return { k: 'ints', v: Array.from(a.ints) };
    case 'strings': return { k: 'strings', v: a.strings.slice() };
    default: throw new UnsupportedNodeError(`attribute '${a.name}' is a ${a.type.toUpperCase()}, which has no Caffe2 argument form`, where);
  }
}

// ------------------------------------------------------------------ typed attribute access

const TYPE_LABEL: Record<AttrType, string> = {
  float: 'FLOAT', int: 'INT', string: 'STRING', tensor: 'TENSOR', graph: 'GRAPH', floats: 'FLOATS', ints: 'INTS',
  strings: 'STRINGS', tensors: 'TENSORS', graphs: 'GRAPHS', sparse_tensor: 'SPARSE_TENSOR',
  sparse_tensors: 'SPARSE_TENSORS', type_proto: 'TYPE_PROTO', type_protos: 'TYPE_PROTOS',
};

export class Attrs {
  constructor(readonly node: OnnxNode, readonly where: Where) {}

  has(name: string): boolean { return this.node.attrs.has(name); }
  get(name: string): OnnxAttr | undefined { return this.node.attrs.get(name); }
  names(): string[] { return [...this.node.attrs.keys()]; }

  private typed(name: string, ...types: AttrType[]): OnnxAttr | undefined {
    const a = this.node.attrs.get(name);
    if (!a) return undefined;
    if (!types.includes(a.type)) {
      throw new ModelFormatError(`must be ${types.map((t) => TYPE_LABEL[t]).join(' or ')}, got ${TYPE_LABEL[a.type]}`, { ...this.where, arg: name });
    }
    return a;
  }

  int(name: string): number | undefined;
  int(name: string, def: number): number;
  int(name: string, def?: number): number | undefined {
    const a = this.typed(name, 'int');
    if (!a) return def;
    const v = Number(a.i);
    if (!Number.isSafeInteger(v)) throw new ModelFormatError(`value ${a.i} does not fit a JS integer`, { ...this.where, arg: name });
    return v;
  }

  /** An INT attribute kept exact (Slice ends may be INT64_MAX). */
  bigint(name: string): bigint | undefined { return this.typed(name, 'int')?.i; }

  float(name: string): number | undefined;
  float(name: string, def: number): number;
  float(name: string, def?: number): number | undefined {
    const a = this.typed(name, 'float', 'int');
    if (!a) return def;
    return a.type === 'int' ? Number(a.i) : a.f;
  }

  str(name: string): string | undefined;
  str(name: string, def: string): string;
  str(name: string, def?: string): string | undefined {
    const a = this.typed(name, 'string');
    return a ? attrString(a) : def;
  }

  ints(name: string): number[] | undefined;
  ints(name: string, def: number[]): number[];
  ints(name: string, def?: number[]): number[] | undefined {
    const a = this.typed(name, 'ints');
    if (!a) return def;
    return Array.from(a.ints, (x) => {
      const v = Number(x);
      if (!Number.isSafeInteger(v)) throw new ModelFormatError(`value ${x} does not fit a JS integer`, { ...this.where, arg: name });
      return v;
    });
  }

  bigints(name: string): bigint[] | undefined {
    const a = this.typed(name, 'ints');
    return a ? Array.from(a.ints) : undefined;
  }

  floats(name: string): number[] | undefined;
  floats(name: string, def: number[]): number[];
  floats(name: string, def?: number[]): number[] | undefined {
    const a = this.typed(name, 'floats');
    return a ? Array.from(a.floats) : def;
  }

  strings(name: string): string[] | undefined {
    const a = this.typed(name, 'strings');
    return a ? attrStrings(a) : undefined;
  }

  tensor(name: string): OnnxAttr['t'] {
    return this.typed(name, 'tensor')?.t;
  }
}

// ------------------------------------------------------------------ the rule context

/** The services the driver gives a rule for one node. */
export interface LowerServices {
  info(name: string): ValueInfo | undefined;
  constant(name: string): Tensor | undefined;
  /** True when `name` is downstream of a node that could not be lowered. */
  poisoned(name: string): boolean;
  dummy(): string;
  emit(op: OperatorDef): void;
  /** Emits a fill op for a constant whose value is known now (no need to run it). */
  emitConstant(op: OperatorDef, value: Tensor): void;
  /** Options that change how some ONNX ops are expressed. */
  readonly options: RuleOptions;
}

export interface RuleOptions {
  /** Semantics given to ONNX Upsample(mode="linear") (opsets 7-9); see rules/resize.ts. */
  readonly upsampleLinear: 'half_pixel' | 'align_corners';
}

export class RuleCtx {
  readonly attrs: Attrs;
  readonly where: Where;

  constructor(readonly node: OnnxNode, readonly opset: number, private readonly s: LowerServices, file?: string) {
    this.where = { ...(file ? { file } : {}), opIndex: node.index, opType: node.opType, ...(node.outputs[0] ? { blob: node.outputs[0] } : {}) };
    this.attrs = new Attrs(node, this.where);
  }

  get options(): RuleOptions { return this.s.options; }

  /** Input i's blob name, or undefined when absent (beyond the list or ""). */
  input(i: number): string | undefined {
    const n = this.node.inputs[i];
    return n ? n : undefined;
  }

  /** Input i, which must be present. */
  in(i: number): string {
    const n = this.input(i);
    if (!n) throw new ModelFormatError(`${this.node.opType} needs input #${i}, got ${this.node.inputs.length} inputs`, this.where);
    return n;
  }

  out(i: number): string {
    const n = this.node.outputs[i];
    if (!n) throw new ModelFormatError(`${this.node.opType} needs output #${i}, got ${this.node.outputs.length} outputs`, this.where);
    return n;
  }

  /** Number of present inputs (trailing absent ones not counted). */
  get numInputs(): number {
    let n = this.node.inputs.length;
    while (n > 0 && !this.node.inputs[n - 1]) n--;
    return n;
  }

  get numOutputs(): number {
    let n = this.node.outputs.length;
    while (n > 0 && !this.node.outputs[n - 1]) n--;
    return n;
  }

  info(name: string): ValueInfo | undefined { return this.s.info(name); }

  private needInfo(name: string, what: string): never {
    if (this.s.poisoned(name)) throw new MissingInfoError(`needs the ${what} of '${name}'`, this.where, name);
    throw new UnsupportedNodeError(`needs the ${what} of input '${name}', which shape inference could not determine`, this.where);
  }

  rank(name: string): number {
    const i = this.s.info(name);
    if (!i) return this.needInfo(name, 'rank');
    return i.shape.length;
  }

  /** Dims of `name` (may contain -1 for data-dependent dims). */
  shape(name: string): number[] {
    const i = this.s.info(name);
    if (!i) return this.needInfo(name, 'shape');
    return i.shape.slice();
  }

  /** Dims of `name`, every one known. */
  staticShape(name: string, why: string): number[] {
    const s = this.shape(name);
    if (s.some((d) => d < 0)) throw new UnsupportedNodeError(`${why} needs the static shape of '${name}', got ${shapeStr(s)}`, this.where);
    return s;
  }

  dtype(name: string): ValueInfo['dtype'] {
    const i = this.s.info(name);
    if (!i) return this.needInfo(name, 'element type');
    return i.dtype;
  }

  constant(name: string): Tensor | undefined { return this.s.constant(name); }

  /** Values of a constant integer input as numbers; fails (unsupported) when not constant. */
  constInts(name: string, what: string): number[] {
    const t = this.s.constant(name);
    if (!t) {
      if (this.s.poisoned(name)) throw new MissingInfoError(`needs the value of '${name}'`, this.where, name);
      throw new NeedsConstantError(`${what} (input '${name}') must be a constant: Caffe2 takes it as an argument`, this.where, name);
    }
    if (t.dtype === 'string') this.fail(`${what} (input '${name}') must be numeric`);
    return t.toNumbers();
  }

  constFloats(name: string, what: string): number[] { return this.constInts(name, what); }

  /** Values of an input when it is a constant, else undefined (it arrives at run time). */
  maybeConstValues(name: string): number[] | undefined {
    if (this.s.poisoned(name)) throw new MissingInfoError(`needs the value of '${name}'`, this.where, name);
    const t = this.s.constant(name);
    if (!t) return undefined;
    if (t.dtype === 'string') this.fail(`input '${name}' must be numeric`);
    return t.toNumbers();
  }

  /** Exact int64 values of a constant input (Slice ends may be INT64_MAX). */
  constBigints(name: string, what: string): bigint[] {
    const t = this.s.constant(name);
    if (!t) {
      if (this.s.poisoned(name)) throw new MissingInfoError(`needs the value of '${name}'`, this.where, name);
      throw new NeedsConstantError(`${what} (input '${name}') must be a constant: Caffe2 takes it as an argument`, this.where, name);
    }
    if (t.dtype === 'int64') return Array.from(t.data as BigInt64Array);
    return t.toNumbers().map((x) => BigInt(Math.trunc(x)));
  }

  dummy(): string { return this.s.dummy(); }

  /** Emits one Caffe2 op; the first op of a node takes the node's name (as Caffe2's backend does). */
  emit(type: string, inputs: readonly string[], outputs: readonly string[], args: ArgMap = {}): OperatorDef {
    const op = makeOp(type, inputs, outputs, args, this.node.name || undefined);
    this.s.emit(op);
    return op;
  }

  /** Blob `name` as a constant: a GivenTensor*Fill op whose value is registered at once. */
  emitConstant(name: string, t: Tensor): void {
    this.s.emitConstant(fillOpFor(name, t), t);
  }

  /** The generic translation: same inputs, outputs and attributes, renamed per `renames`. */
  generic(type: string, renames: Readonly<Record<string, string | null>> = {}, extra: ArgMap = {}): OperatorDef {
    const args: Record<string, ArgValue> = {};
    for (const a of this.node.attrs.values()) {
      const to = a.name in renames ? renames[a.name] : a.name === 'kernel_shape' ? 'kernels' : a.name;
      if (to === null || to === undefined) continue;
      args[to] = attrToArg(a, { ...this.where, arg: a.name });
    }
    for (const [k, v] of Object.entries(extra)) if (v) args[k] = v;
    return this.emit(type, this.node.inputs.filter((x) => x), this.node.outputs.filter((x) => x), args);
  }

  /** Throws: this node cannot be expressed with Caffe2 ops. */
  fail(reason: string): never {
    throw new UnsupportedNodeError(reason, this.where);
  }

  /** Fails unless the attribute is absent or has one of the allowed values. */
  allow(name: string, ...allowed: (string | number)[]): void {
    const a = this.node.attrs.get(name);
    if (!a) return;
    const v = a.type === 'string' ? attrString(a) : a.type === 'int' ? Number(a.i) : a.type === 'float' ? a.f : undefined;
    if (v === undefined || !allowed.includes(v)) this.fail(`attribute ${name}=${JSON.stringify(v ?? a.type)} is not supported (supported: ${allowed.map((x) => JSON.stringify(x)).join(', ')})`);
  }

  /** Fails when any attribute outside `known` is present (so new semantics are never dropped silently). */
  only(...known: string[]): void {
    for (const n of this.node.attrs.keys()) if (!known.includes(n)) this.fail(`attribute '${n}' is not supported`);
  }

  typeName(code: number): string { return onnxTypeName(code); }
}

/** Axis in [0, rank) from a possibly negative ONNX axis; fails naming the attribute. */
export function normAxis(c: RuleCtx, axis: number, rank: number, what = 'axis'): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new ModelFormatError(`${what} ${axis} is out of range for rank ${rank}`, { ...c.where, arg: what });
  return a;
}
