// Reading the ONNX backend node tests in ../shared/external/onnx-node-tests (Apache-2.0, see the
// LICENSE there): the single node of model.onnx with its attributes, and the input/output
// TensorProtos of test_data_set_0, decoded with our own ONNX schema and codec.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dtypeFromOnnx, type NumericDType } from '../../src/core/dtype.js';
import { Tensor } from '../../src/core/tensor.js';
import { decodeMessage } from '../../src/proto/codec.js';
import { onnxSchema } from '../../src/proto/schema.js';
import { sharedDir } from './paths.js';

interface OnnxTensorProto {
  name?: string; dims: BigInt64Array; data_type?: number; raw_data?: Uint8Array;
  float_data: Float32Array; int64_data: BigInt64Array; int32_data: Int32Array; double_data: Float64Array;
}
interface OnnxAttribute { name?: string; f?: number; i?: bigint; s?: Uint8Array; floats: Float32Array; ints: BigInt64Array }
interface OnnxNode { op_type?: string; input: string[]; output: string[]; attribute: OnnxAttribute[] }

export interface NodeTest {
  opType: string;
  attrs: Record<string, number | string | number[]>;
  inputs: Tensor[];
  outputs: Tensor[];
}

function tensorFromProto(t: OnnxTensorProto, where: string): Tensor {
  const dtype = dtypeFromOnnx(t.data_type ?? 0);
  if (!dtype || dtype === 'string') throw new Error(`${where}: unsupported ONNX data type ${t.data_type}`);
  const shape = Array.from(t.dims, Number);
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Tensor(dtype as NumericDType, shape);
  if (t.raw_data && t.raw_data.length) {
    const bytes = new Uint8Array(t.raw_data.length); // a copy at offset 0 (the decoder may hand out a Buffer view)
    bytes.set(t.raw_data);
    const view = new (out.data.constructor as new (b: ArrayBuffer, o: number, n: number) => ArrayLike<number | bigint>)(bytes.buffer, 0, n);
    (out.data as unknown as { set(a: ArrayLike<number | bigint>): void }).set(view);
  } else {
    const src = dtype === 'float32' ? t.float_data : dtype === 'int64' ? t.int64_data : dtype === 'float64' ? t.double_data : t.int32_data;
    if (src.length !== n) throw new Error(`${where}: ${src.length} values for ${n} elements`);
    (out.data as unknown as { set(a: ArrayLike<number | bigint>): void }).set(src);
  }
  return out;
}

/** The node test `test_<name>`, or undefined when the shared data is not present. */
export function readNodeTest(name: string): NodeTest | undefined {
  const root = sharedDir();
  if (!root) return undefined;
  const dir = join(root, 'external/onnx-node-tests/node', `test_${name}`);
  if (!existsSync(dir)) return undefined;
  const schema = onnxSchema();
  const model = decodeMessage<{ graph: { node: OnnxNode[] } }>(schema.message('onnx.ModelProto'), readFileSync(join(dir, 'model.onnx')));
  const node = model.graph.node[0]!;
  const attrs: NodeTest['attrs'] = {};
  for (const a of node.attribute) {
    const key = a.name ?? '';
    if (a.s !== undefined) attrs[key] = new TextDecoder().decode(a.s);
    else if (a.f !== undefined) attrs[key] = a.f;
    else if (a.i !== undefined) attrs[key] = Number(a.i);
    else if (a.ints.length) attrs[key] = Array.from(a.ints, Number);
    else attrs[key] = Array.from(a.floats);
  }
  const read = (kind: 'input' | 'output', count: number): Tensor[] =>
    Array.from({ length: count }, (_, i) => join(dir, 'test_data_set_0', `${kind}_${i}.pb`))
      .filter((p) => existsSync(p))
      .map((p) => tensorFromProto(decodeMessage<OnnxTensorProto>(schema.message('onnx.TensorProto'), readFileSync(p)), p));
  return { opType: node.op_type ?? '', attrs, inputs: read('input', node.input.length), outputs: read('output', node.output.length) };
}
