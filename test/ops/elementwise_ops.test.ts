// Elementwise, reduce and norm ops through the planner: small results of known inputs fold at
// plan time (traced shape arithmetic on int64), every folding op's plan-time value equals its
// JSON cases, in-place reuse picks the non-broadcast operand and stays correct.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { Tensor } from '../../src/core/tensor.js';
import { Caffe2Model } from '../../src/caffe2/model.js';
import { defaultRegistry } from '../../src/ops/index.js';
import { FOLD_LIMIT } from '../../src/ops/elementwise_util.js';
import { closeTensors, TOL, type Tol } from '../helpers/close.js';
import { makeNet, makeOp, tensorFromJson, type JsonArg } from '../helpers/net.js';

type OpSpec = [type: string, inputs: string[], outputs: string[], args?: Record<string, JsonArg>];
function model(ops: OpSpec[], inputs: string[], outputs: string[], weights = new Map<string, Tensor>()): Caffe2Model {
  const net = makeNet(ops.map(([t, i, o, a]) => makeOp(t, i, o, a ?? {})), inputs, outputs);
  return new Caffe2Model(net, undefined, { registry: defaultRegistry, predictFile: 'model.pb', poison: true, weights });
}
const i64 = (shape: number[], v: (number | bigint)[]) => Tensor.from('int64', shape, v);
const f32 = (shape: number[], v: number[]) => Tensor.from('float32', shape, v);
const arr = (t: Tensor | undefined) => Array.from(t!.data as ArrayLike<number | bigint>, Number);

test('traced shape arithmetic folds: Shape -> Gather -> Mul/Div/Sub -> ExpandDims -> Concat -> Reshape is static', () => {
  // x.view(x.size(0) * 2, x.size(1) // 2 - 1 + 1, -1) on int64 0-d tensors
  const m = model([
    ['Shape', ['x'], ['s']],
    ['Gather', ['s', 'zero'], ['n']],
    ['Gather', ['s', 'one'], ['c']],
    ['Mul', ['n', 'two'], ['n2']],
    ['Div', ['c', 'two'], ['c2']],
    ['Sub', ['c2', 'one'], ['c3']],
    ['Add', ['c3', 'one'], ['c4']],
    ['ExpandDims', ['n2'], ['n2v'], { dims: [0] }],
    ['ExpandDims', ['c4'], ['c4v'], { dims: [0] }],
    ['Concat', ['n2v', 'c4v', 'minus1'], ['new_shape', 'split_info'], { axis: 0 }],
    ['Reshape', ['x', 'new_shape'], ['y', 'old_shape']],
  ], ['x'], ['y'], new Map([['zero', i64([], [0])], ['one', i64([], [1])], ['two', i64([], [2])], ['minus1', i64([1], [-1])]]));
  const plan = m.plan(new Map([['x', { dtype: 'float32' as const, shape: [3, 4, 5] }]]));
  const byOut = (name: string) => plan.ops.find((p) => p.c.op.output[0] === name)!;
  assert.equal(arr(byOut('n2').outInfos[0]!.value), [6]);
  assert.equal(byOut('n2').outInfos[0]!.value!.shape, []);
  assert.equal(arr(byOut('c2').outInfos[0]!.value), [2]);
  assert.equal(arr(byOut('c4').outInfos[0]!.value), [2]);
  const reshape = byOut('y');
  assert.equal(reshape.outInfos[0]!.shape, [6, 2, 5]);
  assert.ok(reshape.staticOut);
  const x = f32([3, 4, 5], Array.from({ length: 60 }, (_, i) => i));
  const y = m.run({ x }).get('y')!;
  assert.equal(y.shape, [6, 2, 5]);
  assert.equal(arr(y), arr(x));
});

test('no folding when an input is only known at run time, or the result is large', () => {
  const m = model([['Mul', ['a', 'b'], ['c']]], ['a'], ['c'], new Map([['b', i64([], [3])]]));
  const plan = m.plan(new Map([['a', { dtype: 'int64' as const, shape: [2] }]]));
  assert.is(plan.ops[0]!.outInfos[0]!.value, undefined);
  assert.equal(arr(m.run({ a: i64([2], [4, -5]) }).get('c')), [12, -15]);
  const big = FOLD_LIMIT + 1;
  const w = new Map([['a', f32([big], new Array(big).fill(1))], ['b', f32([1], [2])]]);
  const p2 = model([['Add', ['a', 'b'], ['c']]], [], ['c'], w).plan(new Map());
  assert.is(p2.ops[0]!.outInfos[0]!.value, undefined);
});

// every JSON case of the folding ops, run with all inputs known at plan time: the value the
// shape rule computes while planning equals the expected outputs
const FOLDING_OPS = ['Add', 'Sub', 'Mul', 'Div', 'EQ', 'NE', 'LT', 'LE', 'GT', 'GE', 'And', 'Or', 'Xor', 'Not', 'Sum', 'Max', 'Min',
  'Negative', 'Abs', 'ReduceSum', 'ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceFrontSum', 'ReduceBackSum', 'ReduceFrontMean', 'ReduceBackMean'];
interface JT { dims: number[]; type?: string; data: (number | string)[] }
interface JCase { title: string; args?: Record<string, JsonArg>; inputs: (JT | null)[]; outputs?: (JT | null)[]; error?: string; tol?: keyof typeof TOL | Tol }
for (const op of FOLDING_OPS) {
  test(`${op}: the plan-time value of every case equals its expected outputs`, () => {
    const spec = JSON.parse(readFileSync(`test/ops/cases/${op}.json`, 'utf8')) as { cases: JCase[] };
    let checked = 0;
    for (const c of spec.cases) {
      if (c.error || !c.outputs) continue;
      const names = c.inputs.map((_, i) => `in${i}`);
      const weights = new Map(c.inputs.map((j, i) => [names[i]!, tensorFromJson(j!)] as const));
      const infos = model([[op, names, ['out0'], c.args ?? {}]], [], ['out0'], weights).plan(new Map()).ops[0]!.outInfos;
      const want = tensorFromJson(c.outputs[0]!);
      if (want.size > FOLD_LIMIT) continue;
      assert.ok(infos[0]!.value, `${c.title}: no plan-time value`);
      const tol = typeof c.tol === 'string' ? TOL[c.tol] : c.tol ?? TOL.elementwise;
      const msg = closeTensors(infos[0]!.value!, want, tol);
      assert.not.ok(msg, `${c.title}: ${msg}`);
      checked++;
    }
    assert.ok(checked > 0, 'no case was checked');
  });
}

test('in place: Add writes into the dying full-size operand, A or B, never the broadcast one', () => {
  const bias = f32([3], [10, 20, 30]);
  // t dies at the Add: the output takes over its buffer whichever side it is on
  for (const [a, b, side] of [['t', 'bias', 0], ['bias', 't', 1]] as const) {
    const m = model([['Relu', ['x'], ['t']], ['Add', [a, b], ['y']]], ['x'], ['y'], new Map([['bias', bias]]));
    const plan = m.plan(new Map([['x', { dtype: 'float32' as const, shape: [2, 3] }]]));
    assert.equal(plan.ops[1]!.reuse, [side]);
    const y = m.run({ x: f32([2, 3], [-1, 2, -3, 4, -5, 6]) }).get('y')!;
    assert.equal(arr(y), [10, 22, 30, 14, 20, 36]);
  }
  // the broadcast operand is the dying temp: no reuse (sizes differ)
  const m2 = model([['Relu', ['b'], ['t']], ['Add', ['x', 't'], ['y']]], ['x', 'b'], ['y']);
  const p2 = m2.plan(new Map([['x', { dtype: 'float32' as const, shape: [2, 3] }], ['b', { dtype: 'float32' as const, shape: [3] }]]));
  assert.equal(p2.ops[1]!.reuse, [-1]);
  assert.equal(arr(m2.run({ x: f32([2, 3], [1, 1, 1, 1, 1, 1]), b: f32([3], [-1, 2, 3]) }).get('y')), [1, 3, 4, 1, 3, 4]);
});

test('in place: a chain of activations and norms reuses one buffer and stays correct', () => {
  const ch = (v: number[]) => f32([2], v);
  const w = new Map([['s', ch([2, 0.5])], ['b', ch([1, -1])], ['m', ch([0, 1])], ['v', ch([1, 4])]]);
  const m = model([
    ['Copy', ['x'], ['t']],
    ['SpatialBN', ['t', 's', 'b', 'm', 'v'], ['u'], { is_test: 1, epsilon: 1e-5 }],
    ['Sigmoid', ['u'], ['w']],
    ['Scale', ['w'], ['z'], { scale: 2.0 }],
  ], ['x'], ['z'], w);
  const plan = m.plan(new Map([['x', { dtype: 'float32' as const, shape: [1, 2, 1, 2] }]]));
  assert.equal(plan.ops.slice(1).map((p) => p.reuse[0]), [0, 0, 0]);
  // the BN parameters are weights: folded into alpha/beta once, at plan time
  assert.ok((plan.ops[1]!.state as { folded: boolean }).folded);
  const z = m.run({ x: f32([1, 2, 1, 2], [0, 1, 1, 3]) }).get('z')!;
  const bn = [0 * 2 / Math.sqrt(1 + 1e-5) + 1, 1 * 2 / Math.sqrt(1 + 1e-5) + 1, 0 * 0.5 / Math.sqrt(4 + 1e-5) - 1, 2 * 0.5 / Math.sqrt(4 + 1e-5) - 1];
  const want = f32([1, 2, 1, 2], bn.map((v) => 2 / (1 + Math.exp(-v))));
  assert.not.ok(closeTensors(z, want, TOL.transcendental));
});

test('errors name the op, its output blob and the file', () => {
  const m = model([['Add', ['a', 'b'], ['c']]], ['a', 'b'], ['c']);
  let msg = '';
  try { m.plan(new Map([['a', { dtype: 'float32' as const, shape: [2, 3] }], ['b', { dtype: 'float32' as const, shape: [4] }]])); } catch (e) { msg = (e as Error).message; }
  assert.is(msg, "model.pb op #0 Add -> 'c': inputs 'A' [2, 3] and 'B' [4] do not broadcast (dim -1: 3 vs 4)");
});

test.run();
