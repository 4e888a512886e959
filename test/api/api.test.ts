// The public API (src/index.ts): load from bytes or text, inspect, run with named tensors; and
// the entry point bundles for the browser with no Node built-ins.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as esbuild from 'esbuild';
import {
  InputError, Tensor, UnsupportedOpsError, encodeNetDef, loadCaffe2Model, parseNetDefText, printNetDefText,
  readTensorProtos, writeTensorProtos,
} from '../../src/index.js';
import { makeArg, makeNet, makeOp } from '../helpers/net.js';

const predict = makeNet([makeOp('Relu', ['data'], ['y']), makeOp('RangeFill', [], ['r'], { shape: [3] })], ['data', 'w'], ['y', 'r', 'w']);
predict.arg.push(makeArg('meta_architecture', 'GeneralizedRCNN'), makeArg('size_divisibility', 32));
const init = makeNet([makeOp('GivenTensorFill', [], ['w'], { shape: [2], values: { floats: [0.5, -1] } })], [], ['w']);

test('load from bytes: inputs, outputs, meta; run with named tensors, get named tensors back', () => {
  const m = loadCaffe2Model(encodeNetDef(predict), encodeNetDef(init));
  assert.equal([m.inputNames, m.outputNames, m.meta], [['data'], ['y', 'r', 'w'], { meta_architecture: 'GeneralizedRCNN', size_divisibility: 32 }]);
  const out = m.run({ data: Tensor.from('float32', [2, 2], [-1, 2, -3, 4]) });
  assert.equal([...out.keys()], ['y', 'r', 'w']);
  assert.equal(Array.from(out.get('y')!.data as Float32Array), [0, 2, 0, 4]);
  assert.equal(Array.from(out.get('r')!.data as Float32Array), [0, 1, 2]);
  assert.equal(Array.from(out.get('w')!.data as Float32Array), [0.5, -1]);
  assert.throws(() => m.run({}), (e: Error) => e instanceof InputError && e.message === "model.pb: missing input 'data'");
});

test('load from protobuf text, and print it back', () => {
  const text = printNetDefText(predict);
  assert.equal(parseNetDefText(text), predict);
  const m = loadCaffe2Model(text, printNetDefText(init));
  assert.equal(Array.from(m.run({ data: Tensor.from('float32', [1], [5]) }).get('y')!.data as Float32Array), [5]);
});

test('an unsupported op is a load error naming the file', () => {
  const bad = makeNet([makeOp('Nope', ['data'], ['y'])], ['data'], ['y']);
  assert.throws(() => loadCaffe2Model(printNetDefText(bad)), (e: Error) => e instanceof UnsupportedOpsError && e.message === 'model.pbtxt: 1 unsupported op (Nope): #0 Nope');
});

test('blob dumps: named tensors to TensorProtos bytes and back', () => {
  const back = readTensorProtos(writeTensorProtos({ a: Tensor.from('int64', [2], [-1n, 2n]) }));
  assert.equal(Array.from(back.get('a')!.data as BigInt64Array), [-1n, 2n]);
});

test('src/index.ts bundles for the browser with no Node built-ins', async () => {
  const r = await esbuild.build({ entryPoints: ['src/index.ts'], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent', metafile: true });
  const inputs = Object.keys(r.metafile!.inputs);
  assert.ok(inputs.some((f) => f.endsWith('src/caffe2/planner.ts')));
  assert.not.ok(inputs.some((f) => f.startsWith('node:') || /src\/(node|cli)\//.test(f)), inputs.filter((f) => /node:|src\/(node|cli)/.test(f)).join(', '));
});

test.run();
