// Op schemas: one `defineOp` per Caffe2 operator holds its ports, typed args with defaults,
// arg normalisation, shape rule and kernel binding. Args are parsed and validated once, when
// the net is loaded; shapes are inferred when input shapes are known; `run` only computes.

import type { DType, StorageOf, TypedArray } from '../core/dtype.js';
import { ArgError } from '../core/errors.js';
import type { Tensor, ValueInfo } from '../core/tensor.js';
import type { Argument, NetDef, TensorProto } from '../proto/caffe2.js';
import type { Exec } from '../../kernels/engine.js';
import { decodeUtf8 } from '../proto/wire.js';

export type Category =
  | 'Layer' | 'Activation' | 'Pool' | 'Normalization' | 'Elementwise' | 'Logic' | 'Reduce'
  | 'Tensor' | 'Shape' | 'Data' | 'Detection' | 'Control' | 'Utility';

export type ArgKind = 'float' | 'int' | 'int64' | 'bool' | 'str' | 'floats' | 'ints' | 'int64s' | 'strs' | 'tensor' | 'net' | 'raw';

export interface ArgSpec<T> {
  readonly kind: ArgKind;
  readonly default: T;
  readonly required: boolean;
  readonly allowed?: readonly unknown[];
  readonly doc?: string;
}

export type ArgSpecs = Record<string, ArgSpec<unknown>>;
export type Args<S extends ArgSpecs> = { readonly [K in keyof S]: S[K] extends ArgSpec<infer T> ? T : never };

interface Opts<T> { allowed?: readonly T[]; doc?: string }

function spec<T>(kind: ArgKind, def: T, o: Opts<unknown> = {}, required = false): ArgSpec<T> {
  return Object.freeze({ kind, default: def, required, ...(o.allowed ? { allowed: o.allowed } : {}), ...(o.doc ? { doc: o.doc } : {}) });
}

function float(): ArgSpec<number | undefined>;
function float(def: number, o?: Opts<number>): ArgSpec<number>;
function float(def?: number, o?: Opts<number>) { return spec('float', def, o); }
function int(): ArgSpec<number | undefined>;
function int(def: number, o?: Opts<number>): ArgSpec<number>;
function int(def?: number, o?: Opts<number>) { return spec('int', def, o); }
function bool(): ArgSpec<boolean | undefined>;
function bool(def: boolean, o?: Opts<boolean>): ArgSpec<boolean>;
function bool(def?: boolean, o?: Opts<boolean>) { return spec('bool', def, o); }
function str(): ArgSpec<string | undefined>;
function str(def: string, allowed?: readonly string[], o?: Opts<string>): ArgSpec<string>;
function str(def?: string, allowed?: readonly string[], o: Opts<string> = {}) { return spec('str', def, { ...o, ...(allowed ? { allowed } : {}) }); }

/** Arg constructors. A default of `undefined` (no argument) means "absent unless given". */
export const arg = {
  float,
  int,
  bool,
  str,
  /** A 64-bit integer kept exact (bigint). */
  int64: (def?: bigint, o?: Opts<bigint>): ArgSpec<bigint | undefined> => spec('int64', def, o),
  floats: (def?: readonly number[], o?: Opts<number>): ArgSpec<readonly number[] | undefined> => spec('floats', def, o),
  ints: (def?: readonly number[], o?: Opts<number>): ArgSpec<readonly number[] | undefined> => spec('ints', def, o),
  /** Repeated 64-bit integers kept exact (e.g. GivenTensorInt64Fill values). */
  int64s: (o?: Opts<bigint>): ArgSpec<BigInt64Array | undefined> => spec('int64s', undefined, o),
  strs: (def?: readonly string[], o?: Opts<string>): ArgSpec<readonly string[] | undefined> => spec('strs', def, o),
  tensor: (o?: Opts<never>): ArgSpec<TensorProto | undefined> => spec('tensor', undefined, o),
  net: (o?: Opts<never>): ArgSpec<NetDef | undefined> => spec('net', undefined, o),
  /** The Argument message as stored, for args whose field decides their meaning (fill `values`). */
  raw: (o?: Opts<never>): ArgSpec<Argument | undefined> => spec('raw', undefined, o),
  /** The same arg, but an error when absent. */
  required<T>(s: ArgSpec<T | undefined>): ArgSpec<T> { return Object.freeze({ ...s, required: true }) as ArgSpec<T>; },
};

export interface PortSpec {
  readonly name: string;
  readonly optional?: boolean;
  /** Takes all remaining inputs/outputs (at least `min`). */
  readonly variadic?: boolean;
  readonly min?: number;
  readonly doc?: string;
}

/** What infer returns for each output. -1 dims are data-dependent; `max` bounds them for planning. */
export interface OutInfo {
  dtype: DType;
  shape: number[];
  max?: number[];
  /** The value, when infer can compute it (shape arithmetic on known values). */
  value?: Tensor;
}

export interface InferCtx {
  readonly numInputs: number;
  readonly numOutputs: number;
  /** True while planning (values may be missing); false at run time (all input values present). */
  readonly planning: boolean;
}

export interface RunCtx<S = unknown> {
  readonly opIndex: number;
  readonly opType: string;
  readonly numInputs: number;
  readonly numOutputs: number;
  /** Input i (throws if an optional input is absent). */
  in(i: number): Tensor;
  /** Input i, or undefined when an optional input is absent. */
  maybe(i: number): Tensor | undefined;
  /** Output i, allocated with the shape infer returned (static outputs only). */
  out(i: number): Tensor;
  /** Output i with a shape known only now (data-dependent outputs). */
  alloc<D extends DType>(i: number, dtype: D, shape: readonly number[]): Tensor<D>;
  /** Output i bound to an existing tensor (a view of an input, or one the kernel made). */
  set(i: number, t: Tensor): void;
  /** Per-op scratch memory of at least n elements, reused across runs. */
  scratch<K extends ScratchKind>(kind: K, n: number, slot?: number): ScratchOf[K];
  /** What `prepare` returned at plan time (prepacked weights and the like). */
  readonly state: S;
  /** The fast-kernel engine this model runs on (SIMD, threads), or null for the plain kernels. */
  readonly exec: Exec | null;
}

/** What `prepare` may use besides the inputs: the engine weights are packed for. */
export interface PrepareEnv {
  readonly exec: Exec | null;
}

export type ScratchKind = 'f32' | 'f64' | 'i32' | 'u8';
export interface ScratchOf { f32: Float32Array; f64: Float64Array; i32: Int32Array; u8: Uint8Array }

export interface OpDef<A extends ArgSpecs = ArgSpecs, P = Args<A>, S = unknown> {
  readonly type: string;
  /** Other type names that mean the same op (e.g. MaxPool2D, GenerateProposalsCPP). */
  readonly aliases?: readonly string[];
  readonly category: Category;
  readonly doc?: string;
  readonly inputs: readonly PortSpec[];
  readonly outputs: readonly PortSpec[];
  readonly args: A;
  /** Args accepted and ignored (engine hints, training-only settings). */
  readonly ignore?: readonly string[];
  /** Output/input pairs that may share one buffer (the kernel handles out === in). */
  readonly inplace?: readonly (readonly [number, number])[];
  /**
   * The op can absorb the elementwise ops after it into its output loop (the planner's fusion,
   * src/caffe2/fuse.ts): `def` runs it with params {base, flags, res} (flags: kernels/gemm.ts
   * EPI_RELU, EPI_RESIDUAL; res: index of the residual input, appended after the op's own).
   */
  readonly epilogue?: { readonly residual: boolean; readonly def: AnyOpDef };
  /** Turns parsed args into the frozen params used by infer/run; throws ArgError. */
  normalize?(a: Args<A>, io: { numInputs: number; numOutputs: number }): P;
  /** Output dtypes and shapes from input infos; throws ShapeError. */
  infer(ins: readonly ValueInfo[], p: P, ctx: InferCtx): OutInfo[];
  /** Plan-time work on inputs whose values are known (weights): e.g. prepacking. */
  prepare?(ins: readonly ValueInfo[], p: P, env: PrepareEnv): S;
  run(ctx: RunCtx<S>, p: P): void;
}

// The registry stores ops with their types erased; this keeps `defineOp` call sites fully typed.
export type AnyOpDef = OpDef<ArgSpecs, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function defineOp<A extends ArgSpecs, P = Args<A>, S = undefined>(def: OpDef<A, P, S>): AnyOpDef {
  return def as unknown as AnyOpDef;
}

// ------------------------------------------------------------------ argument parsing

/** Args many Caffe2 nets carry for engines or devices we do not have; accepted on every op. */
export const GLOBAL_IGNORED_ARGS: ReadonlySet<string> = new Set([
  'engine', 'ws_nbytes_limit', 'exhaustive_search', 'cudnn_exhaustive_search', 'shared_buffer',
  'float16_compute', 'use_cudnn', 'deterministic', 'device_option', 'cudnn_ws_nbytes_limit',
  'use_mkldnn', 'allow_inplace', 'training_mode',
]);

function argName(a: Argument): string { return a.name ?? ''; }

/** Which field of an Argument is set, for messages. */
export function argFieldsSet(a: Argument): string[] {
  const s: string[] = [];
  if (a.f !== undefined) s.push('f');
  if (a.i !== undefined) s.push('i');
  if (a.s !== undefined) s.push('s');
  if (a.t !== undefined) s.push('t');
  if (a.n !== undefined) s.push('n');
  if (a.floats.length) s.push('floats');
  if (a.ints.length) s.push('ints');
  if (a.strings.length) s.push('strings');
  if (a.tensors.length) s.push('tensors');
  if (a.nets.length) s.push('nets');
  return s;
}

function toSafeInt(v: bigint, name: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new ArgError(`value ${v} does not fit a JS integer`, { arg: name });
  }
  return Number(v);
}

function wrongField(name: string, kind: ArgKind, a: Argument): never {
  const set = argFieldsSet(a);
  throw new ArgError(`expected ${kind}, but the argument sets ${set.length ? set.join(', ') : 'no value'}`, { arg: name });
}

/**
 * Reads one Argument as `kind`. Follows Caffe2's getters (float from f, int/bool from i,
 * string from s, lists from floats/ints/strings) and coerces the harmless mismatches Caffe2
 * itself rejected: an integral `f` for an int, an `i` for a float, an empty list for any list.
 */
export function readArg(a: Argument, kind: ArgKind): unknown {
  const name = argName(a);
  switch (kind) {
    case 'float':
      if (a.f !== undefined) return a.f;
      if (a.i !== undefined) return Number(a.i);
      return wrongField(name, kind, a);
    case 'int':
      if (a.i !== undefined) return toSafeInt(a.i, name);
      if (a.f !== undefined && Number.isInteger(a.f)) return a.f;
      return wrongField(name, kind, a);
    case 'int64':
      if (a.i !== undefined) return a.i;
      if (a.f !== undefined && Number.isInteger(a.f)) return BigInt(a.f);
      return wrongField(name, kind, a);
    case 'bool':
      if (a.i !== undefined) return a.i !== 0n;
      if (a.f !== undefined) return a.f !== 0;
      return wrongField(name, kind, a);
    case 'str':
      if (a.s !== undefined) return decodeUtf8(a.s, 0, a.s.length);
      return wrongField(name, kind, a);
    case 'floats':
      if (a.floats.length) return Array.from(a.floats);
      if (a.ints.length) return Array.from(a.ints, Number);
      if (a.f !== undefined) return [a.f];
      if (argFieldsSet(a).length === 0) return [];
      return wrongField(name, kind, a);
    case 'ints':
      if (a.ints.length) return Array.from(a.ints, (v) => toSafeInt(v, name));
      if (a.i !== undefined) return [toSafeInt(a.i, name)];
      if (a.floats.length && a.floats.every(Number.isInteger)) return Array.from(a.floats);
      if (argFieldsSet(a).length === 0) return [];
      return wrongField(name, kind, a);
    case 'int64s':
      if (a.ints.length || argFieldsSet(a).length === 0) return a.ints;
      if (a.i !== undefined) return BigInt64Array.of(a.i);
      return wrongField(name, kind, a);
    case 'strs':
      if (a.strings.length) return a.strings.map((b) => decodeUtf8(b, 0, b.length));
      if (a.s !== undefined) return [decodeUtf8(a.s, 0, a.s.length)];
      if (argFieldsSet(a).length === 0) return [];
      return wrongField(name, kind, a);
    case 'tensor':
      if (a.t !== undefined) return a.t;
      return wrongField(name, kind, a);
    case 'net':
      if (a.n !== undefined) return a.n;
      return wrongField(name, kind, a);
    case 'raw':
      return a;
  }
}

/**
 * Parses an op's Argument list against its schema: every arg typed, allowed values checked,
 * duplicates and unknown args rejected. Returns the frozen args object, or throws ArgError.
 */
export function parseArgs<A extends ArgSpecs>(def: OpDef<A, unknown, unknown>, argsIn: readonly Argument[]): Args<A> {
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const a of argsIn) {
    const name = argName(a);
    if (seen.has(name)) throw new ArgError('given twice', { arg: name });
    seen.add(name);
    const s = def.args[name];
    if (!s) {
      if (GLOBAL_IGNORED_ARGS.has(name) || def.ignore?.includes(name)) continue;
      const known = Object.keys(def.args);
      throw new ArgError(`unknown argument${known.length ? ` (known: ${known.join(', ')})` : ''}`, { arg: name });
    }
    const v = readArg(a, s.kind);
    if (s.allowed && !s.allowed.includes(v)) {
      throw new ArgError(`value ${JSON.stringify(v)} is not allowed (expected one of ${s.allowed.map((x) => JSON.stringify(x)).join(', ')})`, { arg: name });
    }
    out[name] = v;
  }
  for (const [name, s] of Object.entries(def.args)) {
    if (out[name] !== undefined) continue;
    if (s.required) throw new ArgError('is required', { arg: name });
    out[name] = s.default;
  }
  return Object.freeze(out) as Args<A>;
}

/** True when the op's Argument list sets `name` (for args whose mere presence matters). */
export function hasArg(argsIn: readonly Argument[], name: string): boolean {
  return argsIn.some((a) => a.name === name);
}

/** Checks the number of inputs/outputs of an op instance against its ports. */
export function checkArity(def: AnyOpDef, nIn: number, nOut: number): void {
  const check = (ports: readonly PortSpec[], n: number, what: string): void => {
    let min = 0, max = 0;
    for (const p of ports) {
      if (p.variadic) { min += p.min ?? 0; max = Infinity; }
      else { if (!p.optional) min++; max++; }
    }
    if (n < min || n > max) {
      const range = max === Infinity ? `at least ${min}` : min === max ? `${min}` : `${min} to ${max}`;
      throw new ArgError(`takes ${range} ${what}${range === '1' ? '' : 's'}, got ${n}`);
    }
  };
  check(def.inputs, nIn, 'input');
  check(def.outputs, nOut, 'output');
}

export type { StorageOf, TypedArray };
