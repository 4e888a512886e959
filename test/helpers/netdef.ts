// Building tiny NetDefs in tests (browser-safe: the browser bundle test uses these too).
import { emptyMessage, type Argument, type NetDef, type OperatorDef } from '../../src/proto/caffe2.js';

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
