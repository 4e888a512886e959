// Lowerings that take ONNX ops past Caffe2's float32-only or shape-limited kernels with other
// Caffe2 ops: Max/Min/Clip of other types, Pow broadcasting and integer exponents, PRelu slopes,
// Pad values and Expand shapes fed at run time, integer Range with a negative step, Where,
// HardSigmoid, ThresholdedRelu, Mean, ReduceL1/L2, Size. Expectations are worked out by hand.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '../../src/core/tensor.js';
import type { DType } from '../../src/core/dtype.js';
import { f32, i64, node, T } from './build.js';
import { errorOf, ops, run } from './util.js';

const values = (t: Tensor | undefined): unknown[] => Array.from(t!.data as ArrayLike<unknown>, (v) => (typeof v === 'bigint' ? Number(v) : v));
const ONNX_TYPE: Partial<Record<DType, number>> = { float32: T.FLOAT, float64: T.DOUBLE, int8: T.INT8, uint8: T.UINT8, int16: T.INT16, int32: T.INT32, int64: T.INT64, float16: T.FLOAT16, bool: T.BOOL };
const input = (name: string, dtype: DType, shape: number[]) => ({ name, type: ONNX_TYPE[dtype]!, shape });
/** Runs one node on named tensors; returns output 'y'. */
function one(op: string, ins: [string, Tensor][], attrs: Record<string, number | number[]> = {}, opset = 13, outs = ['y']): Tensor {
  const m = { opset, nodes: [node(op, ins.map(([n]) => n), outs, attrs)], inputs: ins.map(([n, t]) => input(n, t.dtype, t.shape.slice())), outputs: outs.map((name) => ({ name })) };
  return run(m, Object.fromEntries(ins)).get('y')!;
}

test('Max/Min of int32, int64, int8, float64 (NaN wins, infinities kept), float16; broadcasting', () => {
  const a = Tensor.from('int32', [3], [1, -7, 5]), b = Tensor.from('int32', [3], [4, -2, -9]), c = Tensor.from('int32', [3], [0, 9, 5]);
  assert.equal(values(one('Max', [['a', a], ['b', b], ['c', c]])), [4, 9, 5]);
  assert.equal(values(one('Min', [['a', a], ['b', b], ['c', c]])), [0, -7, -9]);
  const big = Tensor.from('int64', [2], [9007199254740993n, -5n]), other = Tensor.from('int64', [2], [9007199254740992n, -6n]);
  assert.equal(Array.from(one('Max', [['a', big], ['b', other]]).data as BigInt64Array), [9007199254740993n, -5n]);
  const d = Tensor.from('float64', [4], [1, NaN, -Infinity, 2]), e = Tensor.from('float64', [4], [NaN, 3, -1, Infinity]);
  assert.equal(values(one('Max', [['a', d], ['b', e]])), [NaN, NaN, -1, Infinity]);
  assert.equal(values(one('Min', [['a', d], ['b', e]])), [NaN, NaN, -Infinity, 2]);
  const s8 = Tensor.from('int8', [2, 2], [-128, 5, 127, 0]), row = Tensor.from('int8', [2], [3, -1]);
  assert.equal(values(one('Max', [['a', s8], ['b', row]])), [3, 5, 127, 0]);
  const h = Tensor.from('float16', [2], [0x3c00, 0xc000]), h2 = Tensor.from('float16', [2], [0x4000, 0xbc00]); // [1, -2] and [2, -1]
  assert.equal(values(one('Min', [['a', h], ['b', h2]])), [0x3c00, 0xc000]);
});

test('Clip of int8 (bounds as inputs, one side omitted) and float16', () => {
  const x = Tensor.from('int8', [4], [-100, -3, 7, 120]);
  assert.equal(values(one('Clip', [['x', x], ['lo', Tensor.from('int8', [], [-5])], ['hi', Tensor.from('int8', [], [10])]])), [-5, -3, 7, 10]);
  const m = { opset: 13, nodes: [node('Clip', ['x', '', 'hi'], ['y'])], inputs: [input('x', 'int8', [4]), input('hi', 'int8', [])], outputs: [{ name: 'y' }] };
  assert.equal(values(run(m, { x, hi: Tensor.from('int8', [], [0]) }).get('y')), [-100, -3, 0, 0]);
  const h = Tensor.from('float16', [3], [0xc400, 0x3800, 0x4400]); // -4, 0.5, 4
  assert.equal(values(one('Clip', [['x', h], ['lo', Tensor.from('float16', [], [0xbc00])], ['hi', Tensor.from('float16', [], [0x4000])]])), [0xbc00, 0x3800, 0x4000]);
});

test('Pow: a scalar or trailing exponent broadcasts legacy-style, others are materialised; integer exponents', () => {
  const x = f32([2, 3], [1, 2, 3, 4, 5, 6]);
  assert.equal(values(one('Pow', [['x', x], ['e', f32([], [2])]], {}, 15)), [1, 4, 9, 16, 25, 36]);
  assert.equal(values(one('Pow', [['x', x], ['e', f32([3], [1, 2, 0])]], {}, 15)), [1, 4, 1, 4, 25, 1]);
  assert.equal(values(one('Pow', [['x', x], ['e', f32([2, 1], [2, 0.5])]], {}, 15)), [1, 4, 9, 2, Math.fround(Math.sqrt(5)), Math.fround(Math.sqrt(6))]);
  assert.equal(values(one('Pow', [['x', f32([3], [2, 3, 4])], ['e', Tensor.from('int64', [3], [3, -1, 0])]], {}, 15)), [8, Math.fround(1 / 3), 1]);
  assert.match(errorOf(() => one('Pow', [['x', Tensor.from('int32', [1], [2])], ['e', Tensor.from('int32', [1], [3])]], {}, 15)), /a int32 base: Caffe2 Pow is float32 only/);
});

test('PRelu with a slope broadcast over the last axis or the whole input', () => {
  const x = f32([2, 3], [-1, 2, -3, 4, -5, 0]);
  assert.equal(values(one('PRelu', [['x', x], ['s', f32([3], [0.5, 1, 2])]], {}, 16)), [-0.5, 2, -6, 4, -5, 0]);
  assert.equal(values(one('PRelu', [['x', x], ['s', f32([2, 3], [1, 1, 1, 0.5, 0.5, 0.25])]], {}, 16)), [-1, 2, -3, 4, -2.5, 0]);
});

test('Pad with its value fed at run time, pads constant or fed too', () => {
  const x = f32([1, 1, 2, 2], [1, 2, 3, 4]);
  const want = [9, 9, 9, 9, 1, 2, 9, 3, 4];
  const fixed = { opset: 13, nodes: [node('Pad', ['x', 'p', 'v'], ['y'])], inputs: [input('x', 'float32', [1, 1, 2, 2]), input('v', 'float32', [])], outputs: [{ name: 'y' }],
    initializers: [['p', i64([8], [0, 0, 1, 1, 0, 0, 0, 0])]] as [string, Tensor][] };
  const y = run(fixed, { x, v: f32([], [9]) }).get('y')!;
  assert.equal([y.shape, values(y)], [[1, 1, 3, 3], want]);
  const fed = { opset: 13, nodes: [node('Pad', ['x', 'p', 'v'], ['y'])], inputs: [input('x', 'float32', [1, 1, 2, 2]), input('p', 'int64', [8]), input('v', 'float32', [])], outputs: [{ name: 'y' }] };
  const z = run(fed, { x, p: i64([8], [0, 0, 1, 1, 0, 0, 0, 0]), v: f32([], [9]) }).get('y')!;
  assert.equal([z.shape, values(z)], [[1, 1, 3, 3], want]);
});

test('Expand to a shape fed at run time (both sides broadcast) keeps -0 and NaN', () => {
  const x = f32([3, 1], [-0, NaN, 2]);
  const y = one('Expand', [['x', x], ['s', i64([2], [1, 2])]]);
  assert.equal([y.shape, values(y).map((v) => Object.is(v, -0) ? '-0' : v)], [[3, 2], ['-0', '-0', NaN, NaN, 2, 2]]);
  const i = one('Expand', [['x', Tensor.from('int32', [2], [7, 8])], ['s', i64([3], [2, 1, 2])]]);
  assert.equal([i.shape, values(i)], [[2, 1, 2], [7, 8, 7, 8]]);
});

test('Range of int32 with a negative step counts as ONNX does (Caffe2 alone gives one element fewer)', () => {
  const r = (a: number, b: number, d: number) => values(one('Range', [['a', Tensor.from('int32', [], [a])], ['b', Tensor.from('int32', [], [b])], ['d', Tensor.from('int32', [], [d])]], {}, 11));
  assert.equal(r(10, 6, -3), [10, 7]);
  assert.equal(r(1, 10, 4), [1, 5, 9]);
  assert.equal(r(5, 5, 1), []);
  assert.equal(values(one('Range', [['a', f32([], [1])], ['b', f32([], [2])], ['d', f32([], [0.25])]], {}, 11)), [1, 1.25, 1.5, 1.75]);
});

test('Where broadcasts condition and values; HardSigmoid, ThresholdedRelu, Mean, ReduceL1/L2, Size, Sin', () => {
  const cond = Tensor.from('bool', [2, 1], [1, 0]);
  const w = one('Where', [['c', cond], ['a', Tensor.from('int64', [3], [1, 2, 3])], ['b', Tensor.from('int64', [], [-1])]], {}, 16);
  assert.equal([w.shape, values(w)], [[2, 3], [1, 2, 3, -1, -1, -1]]);
  assert.equal(values(one('HardSigmoid', [['x', f32([4], [-10, 0, 1, 10])]], { alpha: 0.5, beta: 0.25 }, 6)), [0, 0.25, 0.75, 1]);
  assert.equal(values(one('ThresholdedRelu', [['x', f32([4], [0.5, 1, 1.5, NaN])]], {}, 10)), [0, 0, 1.5, 0]);
  assert.equal(values(one('Mean', [['a', f32([2], [1, 2])], ['b', f32([2], [2, 4])], ['c', f32([2], [4, 7])]])), [Math.fround(7 / 3), Math.fround(13 / 3)]);
  const x = f32([2, 2], [3, -4, 6, 8]);
  assert.equal(values(one('ReduceL1', [['x', x]], { axes: [1], keepdims: 0 })), [7, 14]);
  assert.equal(values(one('ReduceL2', [['x', x]], { axes: [-1], keepdims: 1 })), [5, 10]);
  const s = one('Size', [['x', x]]);
  assert.equal([s.dtype, s.shape, values(s)], ['int64', [], [4]]);
  assert.equal(values(one('Sin', [['x', f32([2], [0, 1])]], {}, 7)), [0, Math.fround(Math.sin(1))]);
});

test('ArgMax/ArgMin select_last_index=1: the last of equal values, through the reversed axis', () => {
  const x = f32([2, 4], [3, 7, 7, 1, 5, 5, 2, 5]);
  assert.equal(values(one('ArgMax', [['x', x]], { axis: 1, keepdims: 0, select_last_index: 1 })), [2, 3]);
  assert.equal(values(one('ArgMax', [['x', x]], { axis: 1, keepdims: 0 })), [1, 0]);
  const m = one('ArgMin', [['x', x]], { axis: -2, keepdims: 1, select_last_index: 1 });
  assert.equal([m.shape, values(m)], [[1, 4], [0, 1, 1, 0]]);
});

test('what these lowerings cannot express is refused at conversion, naming why', () => {
  const model = (op: string, ins: string[], inputs: { name: string; type: number; shape: (number | string)[] }[], attrs: Record<string, number | number[]> = {}, initializers: [string, Tensor][] = []) =>
    ({ opset: 13, nodes: [node(op, ins, ['y'], attrs)], inputs, outputs: [{ name: 'y' }], initializers });
  const fx = (shape: (number | string)[], type: number = T.FLOAT) => ({ name: 'x', type, shape });
  const i64In = (name: string, shape: (number | string)[]) => ({ name, type: T.INT64, shape });
  assert.match(errorOf(() => ops(model('Slice', ['x', 'st', 'en'], [fx([3, 5]), i64In('st', ['k']), i64In('en', ['k'])]))), /starts fed at run time need a static 1-D shape, got \[-1\]/);
  assert.match(errorOf(() => ops(model('Slice', ['x', 'st', 'en', 'ax', 'sp'], [fx([3, 5]), i64In('st', [1]), i64In('en', [1])], {}, [['ax', i64([1], [0])], ['sp', i64([1], [2])]]))), /steps \[2\]: Caffe2 Slice has no step/);
  assert.match(errorOf(() => ops(model('Slice', ['x', 'st', 'en', 'ax'], [fx([3, 5]), i64In('st', [2]), i64In('en', [2])], {}, [['ax', i64([1], [0])]]))), /2 starts for 1 axes/);
  assert.match(errorOf(() => ops(model('Slice', ['x', 'st', 'en', 'ax'], [fx([3, 5]), i64In('st', [2]), i64In('en', [2])], {}, [['ax', i64([2], [0, -2])]]))), /axes \[0, 0\] repeat an axis/);
  assert.match(errorOf(() => ops({ ...model('PRelu', ['x', 's'], [fx([2, 3], T.INT32), { name: 's', type: T.INT32, shape: [2, 3] }]), opset: 16 })), /slope of shape \[2, 3\] for a int32 input \[2, 3\]: Caffe2 PRelu takes one slope or one per channel/);
  assert.match(errorOf(() => ops({ ...model('PRelu', ['x', 's'], [fx([2, 3]), { name: 's', type: T.FLOAT, shape: [4] }]), opset: 16 })), /slope of shape \[4\] does not broadcast to input \[2, 3\]/);
  assert.match(errorOf(() => ops(model('ReduceL2', ['x'], [fx([2, 3], T.INT32)], { axes: [1] }))), /a int32 input: the Caffe2 ops it lowers to are float32/);
  assert.match(errorOf(() => ops(model('ArgMax', ['x'], [fx(['n', 3])], { axis: 0, select_last_index: 1 }))), /select_last_index=1 needs the static length of the reduced axis/);
  assert.match(errorOf(() => ops(model('Expand', ['x', 's'], [fx([2], T.BOOL), i64In('s', [1])]))), /a bool input: Caffe2's Mul has no bool form/);
  assert.match(errorOf(() => ops({ ...model('Where', ['c', 'a', 'b'], [{ name: 'c', type: T.BOOL, shape: [0, 3] }, { name: 'a', type: T.FLOAT, shape: [0, 3] }, { name: 'b', type: T.FLOAT, shape: [0, 3] }]), opset: 16 })),
    /an elementwise choice needs a non-empty shape, got \[0, 3\]/);
});

test.run();
