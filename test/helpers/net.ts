// Building tiny nets in tests: one op with JSON-style args, run through the real planner/runner.
import { Tensor } from '../../src/core/tensor.js';
import type { DType } from '../../src/core/dtype.js';
import { Caffe2Model } from '../../src/caffe2/model.js';
import { defaultRegistry } from '../../src/ops/index.js';
import { emptyMessage, type Argument, type NetDef, type OperatorDef } from '../../src/proto/caffe2.js';
import type { LoadOptions } from '../../src/caffe2/model.js';
import { envLoadOptions } from './variants.js';

export type JsonArg = number | string | boolean | number[] | string[] | { f: number } | { floats: number[] } | { i: number | string } | { ints: (number | string)[] };

/** An Argument from a JSON value: integers -> i, other numbers -> f, strings -> s, lists likewise. */
export function makeArg(name: string, v: JsonArg): Argument {
  const enc = new TextEncoder();
  const a = emptyMessage<Argument>('Argument', { name });
  if (typeof v === 'boolean') a.i = v ? 1n : 0n;
  else if (typeof v === 'number') { if (Number.isInteger(v)) a.i = BigInt(v); else a.f = v; }
  else if (typeof v === 'string') a.s = enc.encode(v);
  else if (Array.isArray(v)) {
    if (v.length && typeof v[0] === 'string') a.strings = (v as string[]).map((s) => enc.encode(s));
    else if ((v as number[]).every(Number.isInteger)) a.ints = BigInt64Array.from((v as number[]).map(BigInt));
    else a.floats = Float32Array.from(v as number[]);
  } else if ('f' in v) a.f = v.f;
  else if ('floats' in v) a.floats = Float32Array.from(v.floats);
  else if ('i' in v) a.i = BigInt(v.i);
  else if ('ints' in v) a.ints = BigInt64Array.from(v.ints.map((x) => BigInt(x)));
  return a;
}

export function makeOp(type: string, inputs: string[], outputs: string[], args: Record<string, JsonArg> = {}): OperatorDef {
  return emptyMessage<OperatorDef>('OperatorDef', { type, input: inputs, output: outputs, arg: Object.entries(args).map(([k, v]) => makeArg(k, v)) });
}

export function makeNet(ops: OperatorDef[], inputs: string[], outputs: string[]): NetDef {
  return emptyMessage<NetDef>('NetDef', { name: 'test', op: ops, external_input: inputs, external_output: outputs });
}

/**
 * Runs one op. `consts` become workspace blobs (known at plan time, like weights);
 * `feeds` are fed at run time. Outputs are returned in op-output order. Kernel variant:
 * `opts`, else CAFFE2_TS_KERNELS (test/helpers/variants.ts), else the library default.
 */
export function runOp(
  type: string, args: Record<string, JsonArg>, feeds: (Tensor | undefined)[], nOut: number, consts: boolean[] = [],
  opts: Partial<LoadOptions> = envLoadOptions(),
): Tensor[] {
  const inNames = feeds.map((_, i) => `in${i}`);
  const outNames = Array.from({ length: nOut }, (_, i) => `out${i}`);
  const op = makeOp(type, inNames.filter((_, i) => feeds[i]), outNames, args);
  const feedMap = new Map<string, Tensor>();
  const weights = new Map<string, Tensor>();
  feeds.forEach((t, i) => {
    if (t) (consts[i] ? weights : feedMap).set(inNames[i]!, t);
  });
  const model = new Caffe2Model(makeNet([op], inNames.filter((_, i) => feeds[i]), outNames), undefined, { ...opts, registry: defaultRegistry, poison: true, weights });
  const out = model.run(feedMap);
  return outNames.map((n) => out.get(n)!);
}

export function tensorFromJson(j: { dims: number[]; type?: string; data: (number | string)[] }): Tensor {
  const dtype = (j.type ?? 'float32') as DType;
  const vals = j.data.map((x) => (typeof x === 'string' && dtype !== 'int64' ? Number(x === 'NaN' ? NaN : x) : x));
  return Tensor.from(dtype as Exclude<DType, 'string'>, j.dims, dtype === 'int64' ? vals.map((x) => BigInt(x)) : vals.map(Number));
}
