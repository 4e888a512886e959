// Shape and tensor ops through the planner: traced shape arithmetic folds to static shapes,
// every op's plan-time value equals its JSON cases' outputs, views share storage without being
// clobbered by later in-place writes, Copy really copies, ScatterAssign works in place.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { Tensor } from '../../src/core/tensor.js';
import { Caffe2Model } from '../../src/caffe2/model.js';
import { defaultRegistry } from '../../src/ops/index.js';
import { closeTensors, TOL } from '../helpers/close.js';
import { makeNet, makeOp, tensorFromJson, type JsonArg } from '../helpers/net.js';

type OpSpec = [type: string, inputs: string[], outputs: string[], args?: Record<string, JsonArg>];
function model(ops: OpSpec[], inputs: string[], outputs: string[], weights = new Map<string, Tensor>()): Caffe2Model {
  const net = makeNet(ops.map(([t, i, o, a]) => makeOp(t, i, o, a ?? {})), inputs, outputs);
  return new Caffe2Model(net, undefined, { registry: defaultRegistry, predictFile: 'model.pb', poison: true, weights });
}
const i64 = (shape: number[], v: (number | bigint)[]) => Tensor.from('int64', shape, v);
const f32 = (shape: number[], v: number[]) => Tensor.from('float32', shape, v);
const arr = (t: Tensor | undefined) => Array.from(t!.data as ArrayLike<number | bigint>, Number);

test('plan-time folding: Shape -> Gather -> ExpandDims -> Concat -> Reshape gives a static planned shape', () => {
  // x.view(x.size(0), -1) as traced by torch.onnx and lowered to Caffe2 (caffe2-ops.md 4.7)
  const m = model([
    ['Shape', ['x'], ['s']],
    ['Gather', ['s', 'zero'], ['n']],
    ['ExpandDims', ['n'], ['n1'], { dims: [0] }],
    ['Concat', ['n1', 'minus1'], ['new_shape', 'split_info'], { axis: 0 }],
    ['Reshape', ['x', 'new_shape'], ['y', 'old_shape']],
  ], ['x'], ['y'], new Map([['zero', i64([], [0])], ['minus1', i64([1], [-1])]]));
  const plan = m.plan(new Map([['x', { dtype: 'float32' as const, shape: [4, 2, 3] }]]));
  const byType = (t: string) => plan.ops.find((p) => p.c.type === t)!;
  assert.equal(arr(byType('Shape').outInfos[0]!.value), [4, 2, 3]);
  assert.equal(byType('Gather').outInfos[0]!.value!.shape, []);
  assert.equal(arr(byType('Concat').outInfos[0]!.value), [4, -1]);
  const reshape = byType('Reshape');
  assert.equal(reshape.outInfos[0]!.shape, [4, 6]);
  assert.ok(reshape.staticOut, 'the Reshape has static outputs, so the runner allocates without re-inferring');
  const x = f32([4, 2, 3], Array.from({ length: 24 }, (_, i) => i - 12));
  const y = m.run({ x }).get('y')!;
  assert.equal(y.shape, [4, 6]);
  assert.equal(arr(y), arr(x));
});

test('plan-time folding stops at data-dependent dims and resumes at run time', () => {
  const m = model([
    ['Shape', ['x'], ['s']],
    ['Gather', ['s', 'one'], ['c']],
    ['ExpandDims', ['c'], ['c1'], { dims: [0] }],
    ['Concat', ['minus1', 'c1'], ['new_shape'], { axis: 0 }],
    ['Reshape', ['x', 'new_shape'], ['y']],
  ], ['x'], ['y'], new Map([['one', i64([], [1])], ['minus1', i64([1], [-1])]]));
  // dim 0 is unknown, so Shape(x) has no value (a vector with unknown entries is not a value);
  // the Reshape still knows its rank from the length of new_shape
  const plan = m.plan(new Map([['x', { dtype: 'float32' as const, shape: [-1, 3] }]]));
  assert.is(plan.ops.find((p) => p.c.type === 'Concat')!.outInfos[0]!.value, undefined);
  assert.equal(plan.ops.find((p) => p.c.type === 'Concat')!.outInfos[0]!.shape, [2]);
  const reshape = plan.ops.find((p) => p.c.type === 'Reshape')!;
  assert.equal(reshape.outInfos[0]!.shape, [-1, -1]);
  assert.not.ok(reshape.staticOut);
  const y = m.run({ x: f32([2, 3], [1, 2, 3, 4, 5, 6]) }).get('y')!;
  assert.equal(y.shape, [2, 3]);
});

// every JSON case of these ops, run with all inputs known at plan time: the value the shape
// rule computes while planning must equal the expected outputs
const FOLDING_OPS = ['Reshape', 'Flatten', 'FlattenToVec', 'Squeeze', 'ExpandDims', 'Transpose', 'Concat', 'Split', 'Slice', 'Shape',
  'Gather', 'BatchGather', 'Cast', 'Range', 'ScatterAssign', 'Conditional', 'PadImage', 'NumpyTile', 'Copy', 'Alias', 'AliasWithName',
  'EnsureCPUOutput', 'CopyGPUToCPU', 'CopyCPUToGPU'];
interface JCase { title: string; args?: Record<string, JsonArg>; inputs: ({ dims: number[]; type?: string; data: (number | string)[] } | null)[]; outputs?: ({ dims: number[]; type?: string; data: (number | string)[] } | null)[]; nOutputs?: number; error?: string }
for (const op of FOLDING_OPS) {
  test(`${op}: the plan-time value of every case equals its expected outputs`, () => {
    const spec = JSON.parse(readFileSync(`test/ops/cases/${op}.json`, 'utf8')) as { cases: JCase[] };
    let checked = 0;
    for (const c of spec.cases) {
      if (c.error || !c.outputs) continue;
      const names = c.inputs.map((_, i) => `in${i}`);
      const weights = new Map(c.inputs.map((j, i) => [names[i]!, tensorFromJson(j!)] as const));
      const outs = c.outputs.map((_, i) => `out${i}`);
      const m = model([[op, names, outs, c.args ?? {}]], [], outs, weights);
      const infos = m.plan(new Map()).ops[0]!.outInfos;
      c.outputs.forEach((want, i) => {
        const got = infos[i]!.value;
        const w = tensorFromJson(want!);
        if (w.size > 4096) return;
        assert.ok(got, `${c.title}: output ${i} has no plan-time value`);
        const msg = closeTensors(got!, w, TOL.exact);
        assert.not.ok(msg, `${c.title}: output ${i}: ${msg}`);
        checked++;
      });
    }
    assert.ok(checked > 0, 'no case was checked');
  });
}

test('views: Reshape, Flatten, ExpandDims, Squeeze and Alias share the input storage (no copy)', () => {
  const x = f32([2, 3], [1, 2, 3, 4, 5, 6]);
  for (const [type, args] of [['Reshape', { shape: [3, 2] }], ['Flatten', {}], ['FlattenToVec', {}], ['ExpandDims', { dims: [0] }],
    ['Squeeze', { dims: [0] }], ['Alias', {}], ['AliasWithName', { name: 'x' }], ['EnsureCPUOutput', {}]] as const) {
    const input = type === 'Squeeze' ? x.reshape([1, 2, 3]) : x;
    const y = model([[type, ['x'], ['y'], args as Record<string, JsonArg>]], ['x'], ['y']).run({ x: input }).get('y')!;
    assert.ok((y.data as Float32Array).buffer === x.data.buffer && (y.data as Float32Array).byteOffset === x.data.byteOffset, `${type} copied`);
  }
});

test('Copy gives new storage: a returned output never aliases the caller\'s input', () => {
  const x = f32([2], [1, -2]);
  const y = model([['Copy', ['x'], ['y']]], ['x'], ['y']).run({ x }).get('y')!;
  assert.ok((y.data as Float32Array).buffer !== x.data.buffer);
  assert.equal(arr(y), [1, -2]);
});

test('views: an in-place Relu on an aliased or reshaped blob leaves the other name unchanged', () => {
  const x = f32([4], [-1, 2, -3, 4]);
  // X is a pooled temp (a Copy of the input); Y is a view of it; Relu writes Y in place
  const a = model([['Copy', ['x'], ['X']], ['Alias', ['X'], ['Y']], ['Relu', ['Y'], ['Y']]], ['x'], ['X', 'Y']).run({ x });
  assert.equal([arr(a.get('X')), arr(a.get('Y'))], [[-1, 2, -3, 4], [0, 2, 0, 4]]);
  // the other way round: the source is overwritten in place while a reshaped view of it lives on
  const b = model([['Copy', ['x'], ['X']], ['Reshape', ['X'], ['R', 'old'], { shape: [2, 2] }], ['Relu', ['X'], ['X']]], ['x'], ['X', 'R']).run({ x });
  assert.equal([arr(b.get('X')), arr(b.get('R'))], [[0, 2, 0, 4], [-1, 2, -3, 4]]);
  // and through Copy: the copy is independent of an in-place write to it
  const c = model([['Copy', ['x'], ['X']], ['Copy', ['X'], ['Y']], ['Relu', ['Y'], ['Y']]], ['x'], ['X', 'Y']).run({ x });
  assert.equal([arr(c.get('X')), arr(c.get('Y'))], [[-1, 2, -3, 4], [0, 2, 0, 4]]);
  assert.equal(arr(x), [-1, 2, -3, 4], 'the caller\'s input is untouched');
});

test('ScatterAssign runs in place when DATA dies there, and copies when DATA is still needed', () => {
  const x = i64([4], [0, 0, 0, 0]);
  const idx = i64([2], [3, 1]), s = i64([2], [-1n, 2n ** 62n]);
  const ops: OpSpec[] = [['Copy', ['x'], ['D']], ['ScatterAssign', ['D', 'idx', 's'], ['D']]];
  const m = model(ops, ['x', 'idx', 's'], ['D']);
  const sig = new Map([['x', { dtype: 'int64' as const, shape: [4] }], ['idx', { dtype: 'int64' as const, shape: [2] }], ['s', { dtype: 'int64' as const, shape: [2] }]]);
  assert.equal(m.plan(sig).ops[1]!.reuse, [0], 'the planner lets the output take DATA\'s buffer');
  assert.equal(Array.from(m.run({ x, idx, s }).get('D')!.data as BigInt64Array), [0n, 2n ** 62n, 0n, -1n]);
  const n = model([['Copy', ['x'], ['D']], ['ScatterAssign', ['D', 'idx', 's'], ['E']]], ['x', 'idx', 's'], ['D', 'E']).run({ x, idx, s });
  assert.equal(Array.from(n.get('D')!.data as BigInt64Array), [0n, 0n, 0n, 0n]);
  assert.equal(Array.from(n.get('E')!.data as BigInt64Array), [0n, 2n ** 62n, 0n, -1n]);
});

test('in-place Reshape (output named like the input), the published in_place case', () => {
  const x = f32([4, 2, 1], [0, 1, 2, 3, 4, 5, 6, 7]);
  for (const [ops, inputs] of [
    [[['Reshape', ['X'], ['X', 'old'], { shape: [-1, 8] }]], ['X']],
    [[['Reshape', ['X', 'ns'], ['X', 'old']]], ['X', 'ns']],
  ] as [OpSpec[], string[]][]) {
    const out = model(ops, inputs, ['X', 'old']).run({ X: x, ...(inputs.length > 1 ? { ns: i64([2], [-1, 8]) } : {}) });
    assert.equal(out.get('X')!.shape, [1, 8]);
    assert.equal(arr(out.get('X')), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.equal(arr(out.get('old')), [4, 2, 1]);
  }
});

test('the ONNX attribute-Slice lowering chain (Shape, fills, ScatterAssign, Slice) computes data[:, 1:3]', () => {
  // caffe2/onnx/backend.cc: starts/ends vectors of rank length, defaults 0 / -1, scattered at axes
  const m = model([
    ['Shape', ['data'], ['shape']],
    ['ConstantFill', ['shape'], ['starts'], { dtype: 10, value: 0 }],
    ['ScatterAssign', ['starts', 'axes', 'starts_at'], ['starts']],
    ['ConstantFill', ['shape'], ['ends'], { dtype: 10, value: -1 }],
    ['ScatterAssign', ['ends', 'axes', 'ends_at'], ['ends']],
    ['Slice', ['data', 'starts', 'ends'], ['y']],
  ], ['data'], ['y'], new Map<string, Tensor>([['axes', Tensor.from('int32', [1], [1])], ['starts_at', i64([1], [1])], ['ends_at', i64([1], [3])]]));
  const data = f32([3, 4], Array.from({ length: 12 }, (_, i) => i));
  const y = m.run({ data }).get('y')!;
  assert.equal(y.shape, [3, 2]);
  assert.equal(arr(y), [1, 2, 5, 6, 9, 10]);
});

test('run-time shape errors name op, type and blob (data-dependent Reshape)', () => {
  const m = model([['Reshape', ['x', 'ns'], ['y', 'old']]], ['x', 'ns'], ['y']);
  let msg = '';
  try { m.run({ x: f32([2, 3], [1, 2, 3, 4, 5, 6]), ns: i64([2], [4, -1]) }); } catch (e) { msg = (e as Error).message; }
  assert.is(msg, "model.pb op #0 Reshape -> 'y': cannot reshape [2, 3] (6 elements) to [4, -1]: 6 is not a multiple of 4");
});

test.run();
