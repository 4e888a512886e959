// The written nets: layout as detectron2 writes them, binary and text round trips, and a run of
// the decoded files equal to the run of the in-memory nets.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Caffe2Model } from '../../src/caffe2/model.js';
import { caffe2Message, decodeNetDef } from '../../src/proto/caffe2.js';
import { parseText } from '../../src/proto/text.js';
import { defaultRegistry } from '../../src/ops/index.js';
import { encodeNets } from '../../src/onnx/writer.js';
import type { NetDef } from '../../src/proto/caffe2.js';
import { f32, i64, node } from './build.js';
import { convert } from './util.js';

const MODEL = {
  opset: 9, name: 'torch_jit', extraOpsets: [['org.pytorch._caffe2', 1]] as [string, number][],
  nodes: [
    node('AliasWithName', ['x.1'], ['a'], { name: 'data', is_backward: 0 }, { domain: 'org.pytorch._caffe2' }),
    node('Sub', ['a', 'mean'], ['s']),
    node('Conv', ['s', 'w', 'b'], ['c'], { kernel_shape: [1, 1] }),
    node('Shape', ['idx'], ['n']),
    node('Cast', ['n'], ['nf'], { to: 1 }),
    node('Mul', ['c', 'nf'], ['y']),
    node('AliasWithName', ['y'], ['17'], { name: 'out', is_backward: 0 }, { domain: 'org.pytorch._caffe2' }),
  ],
  inputs: [{ name: 'x.1', shape: [1, 2, 2, 2] }, { name: 'mean', shape: [2, 1, 1] }, { name: 'w', shape: [3, 2, 1, 1] }, { name: 'b', shape: [3] }],
  outputs: [{ name: '17' }],
  initializers: [['mean', f32([2, 1, 1], [1, 2])], ['w', f32([3, 2, 1, 1], [1, 0, 0, 1, 1, 1])], ['b', f32([3], [0, 0, 0.5])], ['idx', i64([2], [5, 6])]] as [string, ReturnType<typeof f32>][],
};

test('predict net: <graph>_predict, CPU device option, inputs then params, outputs, meta args', () => {
  const r = convert(MODEL);
  const p = r.predictNet;
  assert.is(p.name, 'torch_jit_predict');
  assert.equal({ type: p.device_option?.device_type, id: p.device_option?.device_id }, { type: 0, id: 0 });
  assert.equal(p.external_input, ['data', 'mean', 'w', 'b', 'nf']);
  assert.equal(p.external_output, ['out']);
  assert.equal(p.arg.slice(0, 3).map((a) => a.name), ['size_divisibility', 'device', 'meta_architecture']);
  assert.equal(p.op.map((o) => o.type), ['Sub', 'Conv', 'Mul']);
});

test('init net: unnamed, only GivenTensor*Fill with shape then values, one per used parameter', () => {
  const { initNet } = convert(MODEL);
  assert.is(initNet.name, undefined);
  assert.equal(initNet.external_input, []);
  assert.equal(initNet.external_output, ['mean', 'w', 'b', 'nf']);
  assert.equal(initNet.op.map((o) => `${o.type}->${o.output[0]} ${o.arg.map((a) => a.name).join(',')}`), [
    'GivenTensorFill->mean shape,values', 'GivenTensorFill->w shape,values', 'GivenTensorFill->b shape,values', 'GivenTensorFill->nf shape,values',
  ]);
  const nf = initNet.op[3]!;
  assert.equal([Array.from(nf.arg[0]!.ints, Number), Array.from(nf.arg[1]!.floats)], [[1], [2]]);
});

test('model.pb / model_init.pb / model.pbtxt decode back to the same nets, and run the same', () => {
  const r = convert(MODEL);
  const files = encodeNets(r);
  const predict = decodeNetDef(files['model.pb']);
  const init = decodeNetDef(files['model_init.pb']);
  const text = parseText<NetDef>(files['model.pbtxt'], caffe2Message('NetDef'));
  assert.equal(text.op.map((o) => o.type), predict.op.map((o) => o.type));
  assert.equal(text.external_input, predict.external_input);
  assert.ok(files['model.pbtxt'].startsWith('name: "torch_jit_predict"\nop {\n  input: "data"\n  input: "mean"\n  output: "s"\n  type: "Sub"\n}\n'));
  const x = f32([1, 2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
  const y = new Caffe2Model(predict, init, { registry: defaultRegistry }).run({ data: x }).get('out')!;
  // (x - mean) through the 1x1 conv (rows [1,0], [0,1], [1,1]), bias [0,0,.5], times 2
  const s = [0, 1, 2, 3, 3, 4, 5, 6];
  const want = [...s.slice(0, 4), ...s.slice(4), ...s.slice(0, 4).map((v, i) => v + s[4 + i]! + 0.5)].map((v) => 2 * v);
  assert.equal(Array.from(y.data as Float32Array), want);
});

test.run();
