// Writes model.pb-like files with OUR encoder, for scripts/check_reference_decodes.py to read with
// the reference protobuf library.  usage: node scripts/write-interop-files.mjs OUT_DIR [BUILD_DIR=dist]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [out = '/tmp/caffe2-ts-interop', build = 'dist'] = process.argv.slice(2);
const mod = (p) => import(pathToFileURL(resolve(build, p)).href);
const { emptyMessage, encodeNetDef, caffe2Message } = await mod('src/proto/caffe2.js');
const { printText } = await mod('src/proto/text.js');
const { writeTensorProtos } = await mod('src/caffe2/tensor_proto.js');
const { Tensor } = await mod('src/core/tensor.js');

const enc = new TextEncoder();
const arg = (name, v) => emptyMessage('Argument', { name, ...v });
const op = (type, input, output, args = []) => emptyMessage('OperatorDef', { type, input, output, arg: args });
const net = (name, ops, ext_in, ext_out, args = []) => emptyMessage('NetDef', { name, op: ops, external_input: ext_in, external_output: ext_out, arg: args });

const weights = new Float32Array(3 * 3 * 3 * 4).map((_, i) => Math.fround(Math.sin(i) * 0.1));
const init = net('model_init', [
  op('GivenTensorFill', [], ['conv1_w'], [arg('shape', { ints: BigInt64Array.of(4n, 3n, 3n, 3n) }), arg('values', { floats: weights })]),
  op('GivenTensorFill', [], ['conv1_b'], [arg('shape', { ints: BigInt64Array.of(4n) }), arg('values', { floats: Float32Array.of(0, -1, 1e-30, 3.5e38) })]),
  op('GivenTensorIntFill', [], ['idx'], [arg('shape', { ints: BigInt64Array.of(2n) }), arg('values', { ints: BigInt64Array.of(-7n, 2147483647n) })]),
  op('GivenTensorInt64Fill', [], ['shape_c'], [arg('shape', { ints: BigInt64Array.of(2n) }), arg('values', { ints: BigInt64Array.of(-1n, -9223372036854775808n) })]),
  op('ConstantFill', [], ['zero'], [arg('shape', { ints: BigInt64Array.of(1n) }), arg('value', { f: 0 }), arg('dtype', { i: 1n })]),
], [], ['conv1_w', 'conv1_b', 'idx', 'shape_c', 'zero']);
const predict = net('model', [
  op('Conv', ['data', 'conv1_w', 'conv1_b'], ['c1'], [arg('kernel', { i: 3n }), arg('pad', { i: 1n }), arg('order', { s: enc.encode('NCHW') })]),
  op('Relu', ['c1'], ['c1']),
  op('Reshape', ['c1'], ['flat', 'old_shape'], [arg('shape', { ints: BigInt64Array.of(1n, -1n) })]),
  op('If', ['cond'], ['flat'], [arg('then_net', { n: net('then', [op('Copy', ['flat'], ['flat'])], ['flat'], ['flat']) })]),
], ['data', 'im_info', 'conv1_w', 'conv1_b', 'cond'], ['flat'], [
  arg('meta_architecture', { s: enc.encode('GeneralizedRCNN') }), arg('size_divisibility', { i: 32n }), arg('device', { s: enc.encode('cpu') }),
]);
predict.op[0].device_option = emptyMessage('DeviceOption', { device_type: 0, device_id: 0 });
predict.op[1].engine = 'CUDNN';

mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'model_init.pb'), encodeNetDef(init));
writeFileSync(join(out, 'model.pb'), encodeNetDef(predict));
writeFileSync(join(out, 'model.pbtxt'), printText(predict, caffe2Message('NetDef')));
writeFileSync(join(out, 'tensors.pb'), writeTensorProtos({
  f32: Tensor.from('float32', [2], [1.5, -2]), i64: Tensor.from('int64', [2], [-1n, 5n]), u8: Tensor.from('uint8', [2], [0, 255]),
  f64: Tensor.from('float64', [1], [0.1]), b: Tensor.from('bool', [2], [1, 0]), s: new Tensor('string', [1], [enc.encode('hi')]),
}));
writeFileSync(join(out, 'tensors_bytes.pb'), writeTensorProtos({ i16: Tensor.from('int16', [2], [-2, 3]), f16: Tensor.from('float16', [1], [0x3c00]) }, { bytes: true }));
console.log(`wrote model_init.pb model.pb model.pbtxt tensors.pb tensors_bytes.pb to ${out}`);
