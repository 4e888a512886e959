// ONNX reader: every dtype from raw_data and from its typed field, type-less attributes, external
// data, opset imports and IR versions, and exact errors for malformed tensors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '../../src/core/tensor.js';
import { ModelFormatError, NotSupportedError } from '../../src/core/errors.js';
import { encodeMessage } from '../../src/proto/codec.js';
import { onnxSchema } from '../../src/proto/schema.js';
import { onnxTensor, readOnnxModel, readOnnxTensor, type RawTensor } from '../../src/onnx/reader.js';
import { attr, encodeModel, encodeTensor, f32, node, T } from './build.js';

const enc = new TextEncoder();

function roundTrip(t: Tensor, form: 'raw' | 'typed'): Tensor {
  return readOnnxTensor(encodeTensor('w', t, form)).tensor;
}

const CASES: Tensor[] = [
  Tensor.from('float32', [2, 2], [1.5, -2, 3.25, 1e-30]),
  Tensor.from('float64', [3], [Math.PI, -1e300, 0.1]),
  Tensor.from('int8', [3], [-128, 0, 127]),
  Tensor.from('uint8', [3], [0, 128, 255]),
  Tensor.from('int16', [2], [-32768, 32767]),
  Tensor.from('uint16', [2], [0, 65535]),
  Tensor.from('int32', [2], [-2147483648, 2147483647]),
  Tensor.from('int64', [3], [-(2n ** 63n), 2n ** 63n - 1n, 7n]),
  Tensor.from('bool', [4], [1, 0, 0, 1]),
  Tensor.from('float16', [2], [0x3c00, 0xc000]),
  Tensor.from('float32', [], [42]),
  Tensor.from('float32', [0, 3], []),
];

for (const form of ['raw', 'typed'] as const) {
  for (const t of CASES) {
    test(`tensor ${t.dtype}${JSON.stringify(t.shape)} from ${form === 'raw' ? 'raw_data' : 'its typed field'}`, () => {
      const got = roundTrip(t, form);
      assert.is(got.dtype, t.dtype);
      assert.equal(got.shape, t.shape);
      assert.equal(Array.from(got.data as ArrayLike<number>), Array.from(t.data as ArrayLike<number>));
    });
  }
}

test('string tensor from string_data', () => {
  const t = new Tensor('string', [2], [enc.encode('a'), enc.encode('bc')]);
  const got = roundTrip(t, 'typed');
  assert.equal((got.data as Uint8Array[]).map((b) => new TextDecoder().decode(b)), ['a', 'bc']);
});

test('bool raw bytes other than 0/1 read as true', () => {
  const raw: RawTensor = { ...blank(), dims: BigInt64Array.of(3n), data_type: T.BOOL, raw_data: Uint8Array.of(0, 2, 255) };
  assert.equal(Array.from(onnxTensor(raw).data as Uint8Array), [0, 1, 1]);
});

function blank(): RawTensor {
  return { dims: new BigInt64Array(0), float_data: new Float32Array(0), int32_data: new Int32Array(0), string_data: [], int64_data: new BigInt64Array(0), external_data: [], double_data: new Float64Array(0), uint64_data: new BigUint64Array(0) };
}

test('raw_data of the wrong size is a format error naming the tensor and both sizes', () => {
  const raw: RawTensor = { ...blank(), name: 'w', dims: BigInt64Array.of(2n, 3n), data_type: T.FLOAT, raw_data: new Uint8Array(20) };
  assert.throws(() => onnxTensor(raw, { where: { file: 'm.onnx' } }), (e: Error) => e instanceof ModelFormatError && e.message === "m.onnx -> 'w': FLOAT tensor raw_data holds 20 bytes, dims [2, 3] need 24");
});

test('a typed field with too few values is a format error', () => {
  const raw: RawTensor = { ...blank(), name: 'b', dims: BigInt64Array.of(4n), data_type: T.INT64, int64_data: BigInt64Array.of(1n, 2n) };
  assert.throws(() => onnxTensor(raw), /'b': INT64 tensor int64_data holds 2 values, dims \[4\] need 4/);
});

test('types Caffe2 cannot hold are NotSupportedError naming the type', () => {
  for (const [code, name] of [[T.BFLOAT16, 'BFLOAT16'], [T.UINT32, 'UINT32'], [T.UINT64, 'UINT64'], [17, 'FLOAT8E4M3FN'], [22, 'INT4']] as const) {
    const raw: RawTensor = { ...blank(), name: 'q', dims: BigInt64Array.of(1n), data_type: code, raw_data: new Uint8Array(8) };
    assert.throws(() => onnxTensor(raw), (e: Error) => e instanceof NotSupportedError && e.message.startsWith(`-> 'q': ${name} tensors have no Caffe2 equivalent`));
  }
});

test('negative dims are a format error', () => {
  const raw: RawTensor = { ...blank(), name: 'n', dims: BigInt64Array.of(-1n), data_type: T.FLOAT };
  assert.throws(() => onnxTensor(raw), /invalid dim -1/);
});

// ------------------------------------------------------------------ external data

function external(kv: Record<string, string>, dims: number[]): RawTensor {
  return { ...blank(), name: 'ext', dims: BigInt64Array.from(dims, BigInt), data_type: T.FLOAT, data_location: 1, external_data: Object.entries(kv).map(([key, value]) => ({ key, value })) };
}

test('external data: location, offset and length select the bytes', () => {
  const file = new Uint8Array(64);
  new DataView(file.buffer).setFloat32(16, 2.5, true);
  new DataView(file.buffer).setFloat32(20, -7, true);
  const asked: string[] = [];
  const t = onnxTensor(external({ location: 'weights.bin', offset: '16', length: '8' }, [2]), { externalData: (l) => { asked.push(l); return file; } });
  assert.equal(Array.from(t.data as Float32Array), [2.5, -7]);
  assert.equal(asked, ['weights.bin']);
});

test('external data: without length the rest of the file is read (and must fit)', () => {
  const t = onnxTensor(external({ location: 'w.bin', offset: '8' }, [2]), { externalData: () => new Uint8Array(16) });
  assert.equal(t.shape, [2]);
});

test('external data errors: no loader, past the end, wrong length, bad offset', () => {
  assert.throws(() => onnxTensor(external({ location: 'w.bin' }, [1])), /in the external file 'w.bin', and no external data loader was given/);
  assert.throws(() => onnxTensor(external({ location: 'w.bin', offset: '12', length: '8' }, [2]), { externalData: () => new Uint8Array(16) }), /external data 'w.bin' \[12, 20\) runs past the end of the file \(16 bytes\)/);
  assert.throws(() => onnxTensor(external({ location: 'w.bin', length: '4' }, [2]), { externalData: () => new Uint8Array(16) }), /holds 4 bytes, expected 8/);
  assert.throws(() => onnxTensor(external({ location: 'w.bin', offset: '-4' }, [1]), { externalData: () => new Uint8Array(16) }), /external data 'offset' is '-4', not a non-negative integer/);
  assert.throws(() => onnxTensor(external({ offset: '0' }, [1]), { externalData: () => new Uint8Array(16) }), /external data has no 'location'/);
});

// ------------------------------------------------------------------ models

test('model: opsets (ai.onnx is the default domain), IR version, graph parts', () => {
  const bytes = encodeModel({
    ir: 11, opset: 17, extraOpsets: [['org.pytorch._caffe2', 1], ['ai.onnx', 17]],
    nodes: [node('Relu', ['x'], ['y'], {}, { name: 'r', domain: 'ai.onnx' })],
    inputs: [{ name: 'x', shape: [1, 'N'] }], outputs: [{ name: 'y', shape: [1, 'N'] }],
    initializers: [['w', f32([1], [1])]],
  });
  const m = readOnnxModel(bytes, { file: 'm.onnx' });
  assert.is(m.irVersion, 11);
  assert.equal([...m.opsets], [['', 17], ['org.pytorch._caffe2', 1]]);
  assert.is(m.graph.nodes[0]!.domain, '');
  assert.is(m.graph.nodes[0]!.name, 'r');
  assert.equal(m.graph.inputs[0]!.shape, [1, -1]);
  assert.is(m.graph.inputs[0]!.dtype, 'float32');
  assert.is(m.graph.initializers[0]!.name, 'w');
});

test('IR 3 model without opset_import means opset 1', () => {
  const msg = { ir_version: 3n, graph: { name: 'g', node: [], input: [], output: [] } };
  const m = readOnnxModel(encodeMessage(onnxSchema().message('onnx.ModelProto'), msg));
  assert.is(m.opsets.get(''), 1);
});

test('attributes without a type (old exporters) are typed by the field they set', () => {
  const t = { dims: BigInt64Array.of(1n), data_type: 1, float_data: Float32Array.of(3) };
  const bytes = encodeModel({
    nodes: [node('X', ['a'], ['b'], {
      f: { untyped: { f: 0.5 } }, i: { untyped: { i: 3n } }, s: { untyped: { s: enc.encode('hi') } },
      fs: { untyped: { floats: Float32Array.of(1.5, 2) } }, is: { untyped: { ints: BigInt64Array.of(4n, 5n) } },
      t: { untyped: { t } },
    })],
    inputs: [{ name: 'a' }], outputs: [{ name: 'b' }],
  });
  const a = readOnnxModel(bytes).graph.nodes[0]!.attrs;
  assert.equal([...a.values()].map((x) => x.type), ['float', 'int', 'string', 'floats', 'ints', 'tensor']);
  assert.is(a.get('i')!.i, 3n);
  assert.equal(Array.from(a.get('fs')!.floats), [1.5, 2]);
});

test('a duplicated attribute and a node without op_type are format errors', () => {
  const dup = encodeModel({ nodes: [{ op_type: 'Relu', input: ['a'], output: ['b'], attribute: [attr('k', 1), attr('k', 2)] }], inputs: [{ name: 'a' }], outputs: [{ name: 'b' }] });
  assert.throws(() => readOnnxModel(dup, { file: 'd.onnx' }), (e: Error) => e.message === "d.onnx op #0 Relu -> 'b' arg 'k': attribute given twice");
  const noType = encodeModel({ nodes: [{ input: ['a'], output: ['b'] }], inputs: [{ name: 'a' }], outputs: [{ name: 'b' }] });
  assert.throws(() => readOnnxModel(noType), /node has no op_type/);
});

test('bytes that are not a model: exact errors', () => {
  assert.throws(() => readOnnxModel(new Uint8Array([0x08, 0x07]), { file: 'x.onnx' }), (e: Error) => e.message === 'x.onnx: not an ONNX model: ModelProto has no graph');
  assert.throws(() => readOnnxModel(new Uint8Array([0x3a, 0x05, 0x0a]), { file: 't.onnx' }), (e: Error) => e instanceof ModelFormatError && e.message.startsWith('t.onnx'));
});

test.run();
