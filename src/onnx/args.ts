// Caffe2 Arguments and OperatorDefs as the lowering builds them: tagged values (I, F, S, INTS,
// FLOATS, STRINGS) so an integral float stays a float and a bool becomes an int, as in Caffe2.

import { emptyMessage, type Argument, type OperatorDef } from '../proto/caffe2.js';
import { encodeUtf8 } from '../proto/wire.js';

export type ArgValue =
  | { readonly k: 'i'; readonly v: bigint }
  | { readonly k: 'f'; readonly v: number }
  | { readonly k: 's'; readonly v: Uint8Array }
  | { readonly k: 'ints'; readonly v: readonly bigint[] | BigInt64Array }
  | { readonly k: 'floats'; readonly v: readonly number[] | Float32Array }
  | { readonly k: 'strings'; readonly v: readonly Uint8Array[] }
  | { readonly k: 'arg'; readonly v: Argument };

/** An int argument (Argument.i); bools are ints 0/1 in Caffe2. */
export const I = (v: number | bigint | boolean): ArgValue => ({ k: 'i', v: typeof v === 'bigint' ? v : BigInt(typeof v === 'boolean' ? +v : v) });
/** A float argument (Argument.f). */
export const F = (v: number): ArgValue => ({ k: 'f', v });
/** A string argument (Argument.s). */
export const S = (v: string | Uint8Array): ArgValue => ({ k: 's', v: typeof v === 'string' ? encodeUtf8(v) : v });
export const INTS = (v: readonly (number | bigint)[]): ArgValue => ({ k: 'ints', v: v.map((x) => (typeof x === 'bigint' ? x : BigInt(x))) });
/** A float list; a Float32Array is stored as is (no copy: weights can be large). */
export const FLOATS = (v: readonly number[] | Float32Array): ArgValue => ({ k: 'floats', v });
export const STRINGS = (v: readonly string[]): ArgValue => ({ k: 'strings', v: v.map((x) => encodeUtf8(x)) });

export type ArgMap = Readonly<Record<string, ArgValue | undefined>>;

export function makeArgument(name: string, a: ArgValue): Argument {
  if (a.k === 'arg') return { ...a.v, name };
  const m = emptyMessage<Argument>('Argument', { name });
  switch (a.k) {
    case 'i': m.i = a.v; break;
    case 'f': m.f = a.v; break;
    case 's': m.s = a.v; break;
    case 'ints': m.ints = a.v instanceof BigInt64Array ? a.v : BigInt64Array.from(a.v); break;
    case 'floats': m.floats = a.v instanceof Float32Array ? a.v : Float32Array.from(a.v); break;
    case 'strings': m.strings = a.v.slice(); break;
  }
  return m;
}

export function makeOp(type: string, inputs: readonly string[], outputs: readonly string[], args: ArgMap = {}, name?: string): OperatorDef {
  const arg: Argument[] = [];
  for (const [k, v] of Object.entries(args)) if (v !== undefined) arg.push(makeArgument(k, v));
  return emptyMessage<OperatorDef>('OperatorDef', { type, input: inputs.slice(), output: outputs.slice(), arg, ...(name ? { name } : {}) });
}

