// Helpers for lowering tests: convert a built model, print ops compactly, run the result.
import { Tensor } from '../../src/core/tensor.js';
import { Caffe2Model } from '../../src/caffe2/model.js';
import { convertOnnxModel, type ConvertOptions, type ConvertResult } from '../../src/onnx/convert.js';
import { readOnnxModel } from '../../src/onnx/reader.js';
import { defaultRegistry } from '../../src/ops/index.js';
import type { Argument, OperatorDef } from '../../src/proto/caffe2.js';
import { encodeModel, type ModelIn } from './build.js';

const dec = new TextDecoder();

export function argStr(a: Argument): string {
  if (a.f !== undefined) return `${a.name}=${a.f}f`;
  if (a.i !== undefined) return `${a.name}=${a.i}`;
  if (a.s !== undefined) return `${a.name}="${dec.decode(a.s)}"`;
  if (a.floats.length) return `${a.name}=[${Array.from(a.floats).join(',')}]f`;
  if (a.ints.length) return `${a.name}=[${Array.from(a.ints).join(',')}]`;
  if (a.strings.length) return `${a.name}=[${a.strings.map((s) => dec.decode(s)).join(',')}]`;
  return `${a.name}=[]`;
}

/** `Type(in,in)->(out) arg=...`: one line per op, for exact comparisons. */
export function opStr(op: OperatorDef): string {
  const args = op.arg.map(argStr).join(' ');
  return `${op.type}(${op.input.join(',')})->(${op.output.join(',')})${args ? ' ' + args : ''}`;
}

export function convert(m: ModelIn, opts: ConvertOptions = {}): ConvertResult {
  return convertOnnxModel(readOnnxModel(encodeModel(m), { file: 'test.onnx' }), opts);
}

export function ops(m: ModelIn, opts: ConvertOptions = {}): string[] {
  return convert(m, opts).predictNet.op.map(opStr);
}

/** Converts and runs; returns the outputs by name. */
export function run(m: ModelIn, feeds: Record<string, Tensor>, opts: ConvertOptions = {}): Map<string, Tensor> {
  const r = convert(m, opts);
  const model = new Caffe2Model(r.predictNet, r.initNet, { registry: defaultRegistry, poison: true });
  return model.run(feeds);
}

/** The message of what `fn` throws. */
export function errorOf(fn: () => unknown): string {
  try { fn(); } catch (e) { return (e as Error).message; }
  throw new Error('expected an error, none was thrown');
}
