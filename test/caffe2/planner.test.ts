// Planner and runner: liveness and buffer reuse (peak bytes hand-computed), in-place nets and
// views, SSA versions of reused names, load-time errors reported together with exact messages,
// data-dependent dims, the plan cache, output ownership across runs, and NaN poisoning.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArgError, InputError, PlanError, ShapeError, UnsupportedOpsError } from '../../src/core/errors.js';
import { Tensor } from '../../src/core/tensor.js';
import { Caffe2Model } from '../../src/caffe2/model.js';
import { defaultRegistry } from '../../src/ops/index.js';
import { OpRegistry } from '../../src/ops/registry.js';
import { arg, defineOp } from '../../src/ops/schema.js';
import { makeNet, makeOp, type JsonArg } from '../helpers/net.js';

// ---- test ops: y = 2x (copying or in place), a view, a data-dependent filter, a sloppy kernel
const f32 = (t: Tensor) => t.data as Float32Array;
const Double = defineOp({
  type: 'Double', category: 'Elementwise', inputs: [{ name: 'X' }], outputs: [{ name: 'Y' }], args: {},
  infer: ([x]) => [{ dtype: 'float32', shape: x!.shape.slice() }],
  run(ctx) { const x = f32(ctx.in(0)), y = f32(ctx.out(0)); for (let i = 0; i < x.length; i++) y[i] = 2 * x[i]!; },
});
const DoubleInPlace = defineOp({ ...(Double as object), type: 'DoubleInPlace', inplace: [[0, 0]] } as never);
const Add2 = defineOp({
  type: 'Add2', category: 'Elementwise', inputs: [{ name: 'A' }, { name: 'B' }], outputs: [{ name: 'C' }], args: {},
  infer: ([a]) => [{ dtype: 'float32', shape: a!.shape.slice() }],
  run(ctx) { const a = f32(ctx.in(0)), b = f32(ctx.in(1)), c = f32(ctx.out(0)); for (let i = 0; i < a.length; i++) c[i] = a[i]! + b[i]!; },
});
const View = defineOp({
  type: 'View', category: 'Shape', inputs: [{ name: 'X' }], outputs: [{ name: 'Y' }], args: {},
  infer: ([x]) => [{ dtype: x!.dtype, shape: [x!.shape.reduce((p, q) => p * q, 1)] }],
  run(ctx) { const x = ctx.in(0); ctx.set(0, x.reshape([x.size])); },
});
const Positive = defineOp({
  type: 'Positive', category: 'Logic', inputs: [{ name: 'X' }], outputs: [{ name: 'Y' }], args: { bound: arg.int(0) },
  infer: ([x], a) => [{ dtype: 'float32', shape: [-1], ...(a.bound ? { max: [a.bound] } : {}) }],
  run(ctx) {
    const x = Array.from(f32(ctx.in(0))).filter((v) => v > 0);
    f32(ctx.alloc(0, 'float32', [x.length])).set(x);
  },
});
const Sloppy = defineOp({
  type: 'Sloppy', category: 'Elementwise', inputs: [{ name: 'X' }], outputs: [{ name: 'Y' }], args: { scale: arg.float(1), mode: arg.str('a', ['a', 'b']) },
  infer: ([x]) => [{ dtype: 'float32', shape: x!.shape.slice() }],
  run(ctx) { const x = f32(ctx.in(0)), y = f32(ctx.out(0)); for (let i = 0; i < x.length - 1; i++) y[i] = x[i]!; },
});
const REG = new OpRegistry([...defaultRegistry.defs, Double, DoubleInPlace, Add2, View, Positive, Sloppy]);

type OpSpec = [type: string, inputs: string[], outputs: string[], args?: Record<string, JsonArg>];
function model(ops: OpSpec[], inputs: string[], outputs: string[], opts: { poison?: boolean; weights?: Map<string, Tensor> } = {}): Caffe2Model {
  const net = makeNet(ops.map(([t, i, o, a]) => makeOp(t, i, o, a ?? {})), inputs, outputs);
  return new Caffe2Model(net, undefined, { registry: REG, predictFile: 'model.pb', ...opts });
}
const vec = (...v: number[]) => Tensor.from('float32', [v.length], v);
const infos = (m: Record<string, number[]>) => new Map(Object.entries(m).map(([n, s]) => [n, { dtype: 'float32' as const, shape: s }]));
function throwsExactly(fn: () => unknown, cls: new (...a: never[]) => Error, message: string): Error {
  try { fn(); } catch (e) {
    assert.instance(e, cls, (e as Error).message);
    assert.is((e as Error).message, message);
    return e as Error;
  }
  throw new Error(`expected ${cls.name}: ${message}`);
}

const N = 64, B = 4 * N; // 256-byte float32 blobs (a multiple of the pool's 64-byte alignment)

test(`liveness: a chain of 3 copying ops over [${N}] peaks at 2 blobs (${2 * B} bytes), and the pool agrees`, () => {
  // op0 x->t1 (live t1), op1 t1->t2 (live t1+t2, then t1 dies), op2 t2->y (live t2+y)
  const m = model([['Double', ['x'], ['t1']], ['Double', ['t1'], ['t2']], ['Double', ['t2'], ['y']]], ['x'], ['y']);
  const plan = m.plan(infos({ x: [N] }));
  assert.is(plan.peakBytes, 2 * B);
  assert.is(plan.peakIsLowerBound, false);
  m.pool.resetPeak();
  const y = m.run({ x: new Tensor('float32', [N], new Float32Array(N).fill(1)) }).get('y')!;
  assert.is(f32(y)[N - 1], 8);
  assert.is(m.pool.peak, 2 * B);
});

test(`buffer reuse: in-place ops reuse their dying input, so the chain peaks at one blob (${B} bytes)`, () => {
  const m = model([['Double', ['x'], ['t1']], ['DoubleInPlace', ['t1'], ['t2']], ['DoubleInPlace', ['t2'], ['y']]], ['x'], ['y']);
  const plan = m.plan(infos({ x: [N] }));
  assert.equal(plan.ops.map((p) => p.reuse), [[-1], [0], [0]]);
  assert.is(plan.peakBytes, B);
  m.pool.resetPeak();
  assert.is(f32(m.run({ x: vec(...new Array(N).fill(3)) }).get('y')!)[0], 24);
  assert.is(m.pool.peak, B);
});

test(`liveness: a diamond x->a, a->b, a->c, (b,c)->y holds a, b and c together (${3 * B} bytes)`, () => {
  const m = model([['Double', ['x'], ['a']], ['Double', ['a'], ['b']], ['Double', ['a'], ['c']], ['Add2', ['b', 'c'], ['y']]], ['x'], ['y']);
  // op3 allocates y while b and c are alive: a was freed after op2
  assert.is(m.plan(infos({ x: [N] })).peakBytes, 3 * B);
  assert.equal(Array.from(f32(m.run({ x: vec(...new Array(N).fill(1)) }).get('y')!)).slice(0, 2), [8, 8]);
});

test('in-place names: SSA versions per write, the caller\'s input is never modified', () => {
  const m = model([['DoubleInPlace', ['x'], ['x']], ['DoubleInPlace', ['x'], ['x']]], ['x'], ['x']);
  const plan = m.plan(infos({ x: [2] }));
  assert.equal(plan.values.map((v) => [v.name, v.version, v.kind]), [['x', 0, 'input'], ['x', 1, 'temp'], ['x', 2, 'temp']]);
  // the fed tensor is not a pool buffer: op0 must not write into it
  assert.equal(plan.ops[0]!.reuse, [-1]);
  const x = vec(1, -2);
  assert.equal(Array.from(f32(m.run({ x }).get('x')!)), [4, -8]);
  assert.equal(Array.from(f32(x)), [1, -2]);
});

test('SSA: a reader between two writes of one name sees the first version', () => {
  const m = model([['Double', ['x'], ['a']], ['Double', ['a'], ['first']], ['Double', ['x'], ['a']], ['Add2', ['a', 'first'], ['y']]], ['x'], ['y', 'a']);
  const out = m.run({ x: vec(1) });
  assert.equal([f32(out.get('y')!)[0], f32(out.get('a')!)[0]], [6, 2]);
});

test('views: an in-place op on a blob that a view still shares does not clobber the view', () => {
  const m = model([['Double', ['x'], ['t']], ['View', ['t'], ['v']], ['DoubleInPlace', ['t'], ['u']]], ['x'], ['v', 'u']);
  const x = new Tensor('float32', [2, 2], Float32Array.of(1, 2, 3, 4));
  const out = m.run({ x });
  assert.equal(Array.from(f32(out.get('v')!)), [2, 4, 6, 8]);
  assert.equal(Array.from(f32(out.get('u')!)), [4, 8, 12, 16]);
  assert.equal(out.get('v')!.shape, [4]);
});

test('every missing input is reported at plan time, with op index, type and blob', () => {
  const m = model([['Double', ['m1'], ['a']], ['Add2', ['a', 'm2'], ['y']], ['Double', ['x'], ['z']]], ['x'], ['y', 'z']);
  const e = throwsExactly(() => m.plan(infos({ x: [1] })), PlanError,
    "model.pb: 2 problems in the net:\n  model.pb op #0 Double -> 'a': input 'm1' is neither fed, produced by an earlier op, nor in the workspace\n  model.pb op #1 Add2 -> 'y': input 'm2' is neither fed, produced by an earlier op, nor in the workspace");
  assert.equal((e as PlanError).errors.map((x) => [x.where.opIndex, x.where.opType, x.where.blob]), [[0, 'Double', 'a'], [1, 'Add2', 'y']]);
  throwsExactly(() => m.run({}), InputError, "model.pb: missing input 'x'");
  throwsExactly(() => m.run({ x: vec(1), q: vec(1) }), InputError, "model.pb: 'q' is not an input of this net (inputs: x)");
});

test('all unsupported ops are reported together at load with index, type and name', () => {
  const net = makeNet([makeOp('Foo', ['x'], ['a']), makeOp('Double', ['a'], ['b']), makeOp('Bar', ['b'], ['c']), makeOp('Foo', ['c'], ['d'])], ['x'], ['d']);
  net.op[2]!.name = 'bar_op';
  const e = throwsExactly(() => new Caffe2Model(net, undefined, { registry: REG, predictFile: 'model.pb' }), UnsupportedOpsError,
    "model.pb: 3 unsupported ops (Foo, Bar): #0 Foo, #2 Bar 'bar_op', #3 Foo");
  assert.equal((e as UnsupportedOpsError).ops.map((o) => [o.opIndex, o.opType]), [[0, 'Foo'], [2, 'Bar'], [3, 'Foo']]);
});

test('unsupported ops of the init net are reported with the predict net\'s, noted by file', () => {
  const predict = makeNet([makeOp('Foo', ['w'], ['y'])], ['w'], ['y']);
  const init = makeNet([makeOp('Int8GivenTensorFill', [], ['w'])], [], ['w']);
  throwsExactly(() => new Caffe2Model(predict, init, { registry: REG, predictFile: 'model.pb', initFile: 'model_init.pb' }), UnsupportedOpsError,
    'model.pb: 2 unsupported ops (Foo, Int8GivenTensorFill): #0 Foo, #0 Int8GivenTensorFill (in model_init.pb)');
});

test('unknown, duplicate, wrong-typed and disallowed args: ArgErrors naming op and arg, all at once', () => {
  const net = makeNet([
    makeOp('Sloppy', ['x'], ['a'], { scale: 2, color: 1 }),
    makeOp('Sloppy', ['a'], ['b'], { mode: 'c' }),
    makeOp('Sloppy', ['b'], ['c'], { scale: 'big' }),
    makeOp('Double', ['c', 'x'], ['d']),
  ], ['x'], ['d']);
  net.op.push(makeOp('Sloppy', ['d'], ['e'], { scale: 1 }));
  net.op[4]!.arg.push(net.op[4]!.arg[0]!);
  const e = throwsExactly(() => new Caffe2Model(net, undefined, { registry: REG, predictFile: 'model.pb' }), PlanError, [
    'model.pb: 5 problems in the net:',
    "  model.pb op #0 Sloppy -> 'a' arg 'color': unknown argument (known: scale, mode)",
    "  model.pb op #1 Sloppy -> 'b' arg 'mode': value \"c\" is not allowed (expected one of \"a\", \"b\")",
    "  model.pb op #2 Sloppy -> 'c' arg 'scale': expected float, but the argument sets s",
    "  model.pb op #3 Double -> 'd': takes 1 input, got 2",
    "  model.pb op #4 Sloppy -> 'e' arg 'scale': given twice",
  ].join('\n'));
  assert.ok((e as PlanError).errors.slice(0, 3).every((x) => x instanceof ArgError));
  assert.equal((e as PlanError).errors.map((x) => x.where.arg), ['color', 'mode', 'scale', undefined, 'scale']);
});

test('data-dependent dims: -1 at plan time (bounded by max), the real size at run time', () => {
  const m = model([['Positive', ['x'], ['p'], { bound: 4 }], ['Double', ['p'], ['y']]], ['x'], ['y']);
  const plan = m.plan(infos({ x: [4] }));
  assert.equal(plan.values.find((v) => v.name === 'p')!.info.shape, [-1]);
  assert.equal([plan.peakBytes, plan.peakIsLowerBound], [32, false]);
  assert.equal(Array.from(f32(m.run({ x: vec(1, -1, 3, 0) }).get('y')!)), [2, 6]);
  assert.equal(m.run({ x: vec(-1, -1, -1, -1) }).get('y')!.shape, [0]);
  const unbounded = model([['Positive', ['x'], ['p']], ['Double', ['p'], ['y']]], ['x'], ['y']);
  assert.equal(unbounded.plan(infos({ x: [4] })).peakIsLowerBound, true);
});

test('the plan is cached per input signature (names, dtypes, shapes)', () => {
  const m = model([['Double', ['x'], ['y']]], ['x'], ['y']);
  const a = m.plan(infos({ x: [3] }));
  assert.is(m.plan(infos({ x: [3] })), a);
  assert.is.not(m.plan(infos({ x: [4] })), a);
  assert.is.not(m.plan(new Map([['x', { dtype: 'float64' as const, shape: [3] }]])), a);
});

test('outputs of one run are not overwritten by the next', () => {
  const m = model([['Double', ['x'], ['t']], ['DoubleInPlace', ['t'], ['y']]], ['x'], ['y']);
  const y1 = m.run({ x: vec(1, 2) }).get('y')!;
  const y2 = m.run({ x: vec(5, 6) }).get('y')!;
  m.run({ x: vec(7, 8) });
  assert.equal([Array.from(f32(y1)), Array.from(f32(y2))], [[4, 8], [20, 24]]);
});

test('NaN poisoning shows a kernel that skips its last element; without it the gap is hidden', () => {
  const poisoned = model([['Sloppy', ['x'], ['y']]], ['x'], ['y'], { poison: true });
  assert.ok(Number.isNaN(f32(poisoned.run({ x: vec(1, 2, 3) }).get('y')!)[2]));
  const plain = model([['Sloppy', ['x'], ['y']]], ['x'], ['y']);
  assert.not.ok(Number.isNaN(f32(plain.run({ x: vec(1, 2, 3) }).get('y')!)[2]));
});

test('shape errors from a shape rule name op, type and output blob', () => {
  const m = model([['Add2', ['x', 'w'], ['y']]], ['x'], ['y'], { weights: new Map([['w', vec(1)]]) });
  const bad = defineOp({ type: 'Rank2', category: 'Shape', inputs: [{ name: 'X' }], outputs: [{ name: 'Y' }], args: {},
    infer: ([x]) => { throw new ShapeError(`input 'X' must be 2-D, got [${x!.shape.join(', ')}]`); }, run() {} });
  const m2 = new Caffe2Model(makeNet([makeOp('Rank2', ['x'], ['out'])], ['x'], ['out']), undefined, { registry: REG.with([bad]), predictFile: 'model.pb' });
  throwsExactly(() => m2.plan(infos({ x: [3] })), ShapeError, "model.pb op #0 Rank2 -> 'out': input 'X' must be 2-D, got [3]");
  assert.equal(m.inputNames, ['x']);
});

test.run();
