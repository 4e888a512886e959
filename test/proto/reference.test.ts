// Files written by the reference protobuf library (scripts/make_protobuf_fixtures.py, from our own
// proto/*.proto): they decode to the messages the script built, our re-encoding is byte-identical,
// and the packed and unpacked encodings of the same message decode alike.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { decodeMessage, encodeMessage } from '../../src/proto/codec.js';
import {
  caffe2Message, decodeNetDef, decodeTensorProtos, encodeNetDef, encodeTensorProtos, type DeviceOption, type NetDef,
} from '../../src/proto/caffe2.js';
import { onnxSchema } from '../../src/proto/schema.js';
import { parseText, printText } from '../../src/proto/text.js';
import { readTensorProtos } from '../../src/caffe2/tensor_proto.js';
import { fixture } from '../helpers/paths.js';

const read = (f: string): Uint8Array => new Uint8Array(readFileSync(fixture('protobuf', f)));
const utf8 = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);

function checkDeviceOption(d: DeviceOption | undefined): void {
  assert.ok(d);
  assert.is(d.device_type, 1);
  assert.is(d.device_id, 2);
  assert.is(d.random_seed, 4294967295);
  assert.is(d.node_name, 'node-7');
  assert.is(d.numa_node_id, -1);
  assert.equal(d.extra_info, ['a=b', 'ümlaut']);
}

test('NetDef with every field: decodes to what the reference library wrote', () => {
  const net = decodeNetDef(read('netdef_all_fields.pb'), { file: 'netdef_all_fields.pb' });
  assert.is(net.name, 'all_fields');
  assert.is(net.type, 'async_scheduling');
  assert.is(net.num_workers, 4);
  checkDeviceOption(net.device_option);
  assert.equal(net.arg.map((a) => a.name), ['meta_architecture', 'size_divisibility', 'score_threshold']);
  assert.is(utf8(net.arg[0]!.s), 'GeneralizedRCNN');
  assert.is(net.arg[1]!.i, 32n);
  assert.is(net.arg[2]!.f, Math.fround(0.05));
  assert.equal(net.external_input, ['data', 'im_info', 'w']);
  assert.equal(net.external_output, ['y', 'z']);
  const op = net.op[0]!;
  assert.equal([op.input, op.output, op.name, op.type, op.engine], [['data', 'w'], ['y'], 'op0', 'Everything', 'CUDNN']);
  assert.equal([op.control_input, op.is_gradient_op, op.debug_info, op.domain, op.op_version], [['ctl'], true, 'line 1\nline "2"', 'caffe2', -3n]);
  checkDeviceOption(op.device_option);
  const arg = Object.fromEntries(op.arg.map((a) => [a.name!, a]));
  assert.is(arg['f']!.f, -1.5);
  assert.is(arg['i_neg']!.i, -1n);
  assert.is(arg['i_min']!.i, -9223372036854775808n);
  assert.is(arg['i_max']!.i, 9223372036854775807n);
  assert.equal(Array.from(arg['s']!.s!), [0, 1, 98, 121, 116, 101, 115, 255]);
  assert.equal(Array.from(arg['floats']!.floats), [1, -2.5, 3.4028234663852886e38, 1.401298464324817e-45]);
  assert.equal(Array.from(arg['ints']!.ints), [-1n, 0n, 300n, -9223372036854775808n, 4294967296n]);
  assert.equal(arg['strings']!.strings.map(utf8), ['NCHW', '', 'π']);
  assert.equal(Array.from(arg['t']!.t!.int64_data), [-5n, 5n]);
  assert.is(arg['t']!.t!.data_type, 10);
  assert.equal(arg['tensors']!.tensors.map((t) => t.name), ['ta', 'tb']);
  assert.equal(Array.from(arg['tensors']!.tensors[1]!.int32_data), [-7, 7]);
  assert.is(arg['n']!.n!.name, 'then_net');
  assert.equal(arg['n']!.n!.op[0]!.input, ['x']);
  assert.equal(arg['nets']!.nets.map((n) => n.name), ['n0', 'n1']);
  assert.is(arg['nets']!.nets[1]!.arg[0]!.n!.name, 'n1.inner');
  const q = arg['qtensors']!.qtensors[0]!;
  assert.equal([Array.from(q.dims), q.precision, q.scale, q.bias, q.is_signed, Array.from(q.data)], [[2n], 8, 0.5, -1, true, [-3, 4]]);
  assert.equal([q.name, Array.from(q.scales), Array.from(q.biases), q.axis, q.is_multiparam], ['q', [0.5, 0.25], [0, 1], 1, true]);
  const p = net.partition_info[0]!;
  assert.equal([p.name, Array.from(p.device_id), p.extra_info], ['part0', [0, 1], 'x']);
  assert.equal(p.backend_options, [{ backend_name: 'glow', option: [{ key: 'k', val: 'v' }] }]);
});

test('NetDef with every field: our re-encoding is byte-identical', () => {
  const bytes = read('netdef_all_fields.pb');
  assert.equal(encodeNetDef(decodeNetDef(bytes)), bytes);
});

test('NetDef text format written by the reference library parses to the binary message', () => {
  const fromText = parseText<NetDef>(readFileSync(fixture('protobuf', 'netdef_all_fields.pbtxt'), 'utf8'), caffe2Message('NetDef'));
  const fromBinary = decodeNetDef(read('netdef_all_fields.pb'));
  assert.equal(fromText, fromBinary);
  assert.equal(encodeNetDef(fromText), read('netdef_all_fields.pb'));
  // and our own text form reads back to the same message
  assert.equal(parseText<NetDef>(printText(fromBinary as never, caffe2Message('NetDef')), caffe2Message('NetDef')), fromBinary);
});

test('TensorProtos: packed (canonical) and unpacked data fields decode alike; re-encoding is canonical', () => {
  const packed = read('tensor_protos.pb'), unpacked = read('tensor_protos_unpacked.pb');
  assert.is.not(packed.length, unpacked.length);
  const a = decodeTensorProtos(packed), b = decodeTensorProtos(unpacked);
  assert.equal(b, a);
  assert.equal(encodeTensorProtos(a), packed);
  assert.equal(encodeTensorProtos(b), packed);
});

test('Argument floats/ints: the packed encoding decodes like the unpacked one Caffe2 writes', () => {
  const unpacked = read('args_unpacked.pb'), packed = read('args_packed.pb');
  const a = decodeNetDef(unpacked), b = decodeNetDef(packed);
  assert.equal(b, a);
  assert.equal(Array.from(a.op[0]!.arg[0]!.ints), [2n, 3n, -1n]);
  assert.equal(Array.from(a.op[0]!.arg[1]!.floats), [0, 1, -1, 0.5, 2, Math.fround(1e-3)]);
  assert.equal(encodeNetDef(b), unpacked);
});

test('TensorProtos: every data type reads as Caffe2 deserializes it', () => {
  const t = readTensorProtos(read('tensor_protos.pb'), 'tensor_protos.pb');
  const got = (n: string) => { const x = t.get(n)!; return [x.dtype, x.shape, x.dtype === 'string' ? (x.data as Uint8Array[]).map((s) => Array.from(s)) : Array.from(x.data as ArrayLike<number>)]; };
  assert.equal(got('f32'), ['float32', [2, 3], [0.5, -1.25, Math.fround(3e-8), Math.fround(1e30), -0, 7]]);
  assert.equal(got('i32'), ['int32', [4], [0, -1, 2147483647, -2147483648]]);
  assert.equal(got('u8_bytes'), ['uint8', [2, 2], [0, 1, 128, 255]]);
  assert.equal(got('u8_int32'), ['uint8', [3], [7, 200, 255]]);
  assert.equal(got('i8_int32'), ['int8', [3], [-128, -1, 127]]);
  assert.equal(got('i16_bytes'), ['int16', [2], [-2, 300]]);
  assert.equal(got('u16_int32'), ['uint16', [2], [65535, 1]]);
  assert.equal(got('bool_int32'), ['bool', [3], [1, 0, 1]]);
  assert.equal(got('bool_bytes'), ['bool', [2], [0, 1]]);
  assert.equal(got('f16_int32'), ['float16', [3], [0x3c00, 0xc000, 0x7bff]]);
  assert.equal(got('f16_bytes'), ['float16', [1], [0x3c00]]);
  assert.equal(got('bf16'), ['float32', [2], [1, -3.5]]);
  assert.equal(got('f64'), ['float64', [2], [0.1, -1e300]]);
  assert.equal(got('i64'), ['int64', [3], [-1n, 9223372036854775807n, -9223372036854775808n]]);
  assert.equal(got('str'), ['string', [2], [[97, 98, 99], [0, 255]]]);
  assert.equal(got('byte_legacy'), ['uint8', [3], [120, 121, 122]]);
  assert.equal(got('scalar'), ['float32', [], [42]]);
  assert.equal(got('empty'), ['float32', [0, 5], []]);
  assert.equal(got('chunked'), ['float32', [5], [1, 2, 3, 4, 5]]);
  assert.equal(got('dev'), ['int32', [1], [5]]);
  assert.is(t.size, 20); // 21 protos, 'chunked' in two
});

test('DeviceOption: decodes and re-encodes byte-identically', () => {
  const bytes = read('device_option.pb');
  const d = decodeMessage<DeviceOption>(caffe2Message('DeviceOption'), bytes);
  checkDeviceOption(d);
  assert.equal(encodeMessage(caffe2Message('DeviceOption'), d as never), bytes);
});

test('ONNX ModelProto: decodes to what the reference library wrote and re-encodes byte-identically', () => {
  const bytes = read('model.onnx');
  const desc = onnxSchema().message('onnx.ModelProto');
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const m = decodeMessage<any>(desc, bytes);
  assert.equal([m.ir_version, m.producer_name, m.producer_version, m.domain, m.model_version, m.doc_string], [7n, 'pytorch', '1.13.1', 'org.example', -2n, 'reference file']);
  assert.equal(m.opset_import, [{ domain: '', version: 9n }, { domain: 'org.pytorch._caffe2', version: 1n }]);
  const g = m.graph;
  assert.equal(g.initializer.map((t: { name: string }) => t.name), ['w', 'b', 'shape', 'half']);
  assert.equal(Array.from(new Float32Array(g.initializer[0].raw_data.slice().buffer)), [1, -2, 3, 4]);
  assert.equal(Array.from(g.initializer[2].int64_data), [-1n, 4n]);
  assert.equal(g.initializer[3].external_data, [{ key: 'location', value: 'weights.bin' }]);
  assert.equal(g.input[0].type.tensor_type.shape.dim, [{ dim_value: 1n }, { dim_param: 'N' }]);
  const attrs = g.node[1].attribute;
  assert.equal(attrs.map((a: { name: string; type: number }) => [a.name, a.type]), [['order', 3], ['weights', 6], ['pads', 7], ['modes', 8], ['value', 4], ['body', 5]]);
  assert.equal(Array.from(attrs[2].ints), [0n, -1n, 2n]);
  assert.equal(Array.from(attrs[4].t.int32_data), [-9]);
  assert.is(attrs[5].g.node[0].op_type, 'Identity');
  assert.equal(encodeMessage(desc, m), bytes);
});

test.run();
