// Gemm/MatMul, softmax, normalisation, dropout, reductions, arg-max and top-k
// (caffe2/onnx/backend.cc CreateGemm, CreateMatMul, CreateLogSoftmax, CreateBatchNormalization,
// CreateDropout, CreateLRN, CreateArgMaxMin; the rest follow the generic path).

import { Tensor } from '../../core/tensor.js';
import type { ArgValue, RuleCtx } from '../context.js';
import { F, I, INTS, normAxis } from '../context.js';
import type { RuleSet } from './index.js';

const gemm = (c: RuleCtx): void => {
  c.only('alpha', 'beta', 'transA', 'transB', 'broadcast');
  let a = c.in(0);
  const b = c.in(1);
  const cIn = c.input(2);
  let bias = cIn;
  const alpha = c.attrs.float('alpha', 1), beta = c.attrs.float('beta', 1);
  if (alpha !== 1) { const s = c.dummy(); c.emit('Scale', [a], [s], { scale: F(alpha) }); a = s; }
  if (bias && beta !== 1) { const s = c.dummy(); c.emit('Scale', [bias], [s], { scale: F(beta) }); bias = s; }
  const transA = c.attrs.int('transA', 0), transB = c.attrs.int('transB', 0);
  const broadcast = c.attrs.int('broadcast', c.opset > 6 ? 1 : 0);
  // FC needs a 1-D bias of N values (a 1-element bias only when N is 1)
  const fc = (): boolean => {
    if (!cIn) return false;
    const cs = c.info(cIn)?.shape;
    if (!cs || cs.length !== 1) return false;
    if (cs[0] === 1) {
      const bs = c.info(b)?.shape;
      const last = transB ? 0 : 1;
      if (!bs || bs.length <= last || bs[last] !== 1) return false;
    }
    return true;
  };
  if (!transA && broadcast && fc()) {
    c.emit(transB ? 'FC' : 'FCTransposed', [a, b, bias!], [c.out(0)]);
    return;
  }
  const ab = bias ? c.dummy() : c.out(0);
  c.emit('MatMul', [a, b], [ab], { trans_a: I(transA), trans_b: I(transB) });
  if (bias) c.emit('Add', [ab, bias], [c.out(0)]);
};

/**
 * Softmax and LogSoftmax. Before opset 13 ONNX coerces to 2-D at `axis` exactly as Caffe2 does.
 * From 13 the softmax runs along `axis` alone: Caffe2's 2-D form is the same when every later dim
 * is 1; otherwise the axis is transposed last and back.
 */
const softmax = (log: boolean) => (c: RuleCtx): void => {
  c.only('axis');
  const x = c.in(0), y = c.out(0);
  const finish = (from: string, to: string): void => { if (log) c.emit('Log', [from], [to]); };
  if (c.opset < 13) {
    let axis = c.attrs.int('axis', 1);
    if (axis < 0) axis = normAxis(c, axis, c.rank(x));
    const s = log ? c.dummy() : y;
    c.emit('Softmax', [x], [s], { axis: I(axis) });
    finish(s, y);
    return;
  }
  const shape = c.shape(x);
  const r = shape.length;
  const axis = normAxis(c, c.attrs.int('axis', -1), r);
  if (shape.slice(axis + 1).every((d) => d === 1)) {
    const s = log ? c.dummy() : y;
    c.emit('Softmax', [x], [s], { axis: I(axis) });
    finish(s, y);
    return;
  }
  const perm = [...Array(r).keys()];
  perm[axis] = r - 1; perm[r - 1] = axis;
  const t = c.dummy(), s = c.dummy();
  c.emit('Transpose', [x], [t], { axes: INTS(perm) });
  c.emit('Softmax', [t], [s], { axis: I(r - 1) });
  const back = log ? c.dummy() : y;
  c.emit('Transpose', [s], [back], { axes: INTS(perm) });
  finish(back, y);
};

const batchNorm = (c: RuleCtx): void => {
  c.only('epsilon', 'momentum', 'spatial', 'is_test', 'consumed_inputs', 'training_mode');
  if (c.attrs.int('training_mode', 0)) { batchNormTraining(c); return; }
  if (c.attrs.int('spatial', 1) !== 1) c.fail('spatial=0 (per-activation statistics) has no Caffe2 SpatialBN form');
  if (c.numOutputs > 1) c.fail('the running mean/var outputs are training outputs');
  const args: Record<string, ArgValue> = {};
  if (c.attrs.has('epsilon')) args['epsilon'] = F(c.attrs.float('epsilon', 1e-5));
  if (c.attrs.has('momentum')) args['momentum'] = F(c.attrs.float('momentum', 0.9));
  args['is_test'] = I(1);
  c.emit('SpatialBN', [c.in(0), c.in(1), c.in(2), c.in(3), c.in(4)], [c.out(0)], args);
};

/**
 * BatchNormalization with training_mode=1: normalised by the batch's own mean and (biased)
 * variance over every dim but the channels, and the running statistics moved towards them:
 * running = input · momentum + batch · (1 - momentum). Plain Caffe2 ops (ReduceMean, Sqrt, ...):
 * Caffe2's training SpatialBN writes its running statistics in place and adds saved outputs.
 */
function batchNormTraining(c: RuleCtx): void {
  if (c.attrs.int('spatial', 1) !== 1) c.fail('spatial=0 (per-activation statistics) has no Caffe2 SpatialBN form');
  const x = c.in(0), r = c.rank(x);
  if (r < 2) c.fail(`input '${x}' has rank ${r}: batch normalisation needs a channel dim`);
  const eps = c.attrs.float('epsilon', 1e-5), momentum = c.attrs.float('momentum', 0.9);
  // every dim but the channels: reduced for the statistics, added to [C] for broadcasting
  const axes = INTS([0, ...Array.from({ length: r - 2 }, (_, i) => i + 2)]);
  const t = (): string => c.dummy();
  const k = (v: number): string => { const n = t(); c.emitConstant(n, Tensor.scalar(v)); return n; };
  const mean = t(), d = t(), d2 = t(), vr = t(), ve = t(), sd = t(), xn = t(), sc = t(), bi = t(), ys = t();
  c.emit('ReduceMean', [x], [mean], { axes, keepdims: I(1) });
  c.emit('Sub', [x, mean], [d]);
  c.emit('Mul', [d, d], [d2]);
  c.emit('ReduceMean', [d2], [vr], { axes, keepdims: I(1) });
  c.emit('Add', [vr, k(eps)], [ve]);
  c.emit('Sqrt', [ve], [sd]);
  c.emit('Div', [d, sd], [xn]);
  c.emit('ExpandDims', [c.in(1)], [sc], { dims: axes });
  c.emit('ExpandDims', [c.in(2)], [bi], { dims: axes });
  c.emit('Mul', [xn, sc], [ys]);
  c.emit('Add', [ys, bi], [c.out(0)]);
  // running statistics (outputs 1 and 2, when asked for)
  [[mean, 3], [vr, 4]].forEach(([batch, input], i) => {
    const out = c.node.outputs[i + 1];
    if (!out) return;
    const flat = t(), a = t(), b = t();
    c.emit('Squeeze', [batch as string], [flat], { dims: axes });
    c.emit('Mul', [c.in(input as number), k(momentum)], [a]);
    c.emit('Mul', [flat, k(1 - momentum)], [b]);
    c.emit('Add', [a, b], [out]);
  });
}

/** ONNX GroupNormalization: opset 18 scales per group (expanded to channels here), 21 per channel. */
const groupNorm = (c: RuleCtx): void => {
  c.only('epsilon', 'num_groups', 'stash_type');
  const x = c.in(0);
  const groups = c.attrs.int('num_groups');
  if (groups === undefined) c.fail("attribute 'num_groups' is required");
  const channels = c.shape(x)[1];
  let gamma = c.in(1), beta = c.in(2);
  const per = (name: string): string => {
    const n = c.shape(name).reduce((p, q) => p * q, 1);
    if (n === channels) return name;
    if (n !== groups || channels === undefined || channels < 0) c.fail(`'${name}' has ${n} values for ${channels} channels in ${groups} groups`);
    const v = c.constFloats(name, 'a per-group scale or bias');
    const out = Tensor.from('float32', [channels], Array.from({ length: channels }, (_, ch) => v[Math.floor(ch / (channels / groups))]!));
    const blob = c.dummy();
    c.emitConstant(blob, out);
    return blob;
  };
  gamma = per(gamma); beta = per(beta);
  c.emit('GroupNorm', [x, gamma, beta], [c.out(0)], { group: I(groups), epsilon: F(c.attrs.float('epsilon', 1e-5)) });
};

const dropout = (c: RuleCtx): void => {
  c.only('ratio', 'is_test', 'consumed_inputs', 'seed');
  if (c.numOutputs > 1) c.fail('the mask output is a training output');
  if (c.input(2)) {
    const training = c.constInts(c.in(2), 'training_mode');
    if (training[0]) c.fail('training_mode=true drops values at random');
  }
  const args: Record<string, ArgValue> = {};
  if (c.opset < 12 && c.attrs.has('ratio')) args['ratio'] = F(c.attrs.float('ratio', 0.5));
  args['is_test'] = I(1);
  c.emit('Dropout', [c.in(0)], [c.out(0)], args);
};

/** ReduceL1 = ReduceSum(|x|), ReduceL2 = sqrt(ReduceSum(x·x)) (float32), with ReduceSum's axes handling. */
const reduceNorm = (p: 1 | 2) => (c: RuleCtx): void => {
  if (c.dtype(c.in(0)) !== 'float32') c.fail(`a ${c.dtype(c.in(0))} input: the Caffe2 ops it lowers to are float32`);
  const terms = c.dummy();
  c.emit(p === 1 ? 'Abs' : 'Mul', p === 1 ? [c.in(0)] : [c.in(0), c.in(0)], [terms]);
  if (p === 1) { reduce('ReduceSum', 18, terms)(c); return; }
  const squares = c.dummy();
  reduce('ReduceSum', 18, terms, squares)(c);
  c.emit('Sqrt', [squares], [c.out(0)]);
};

/** Reduce*: axes as an attribute (ReduceSum < 13, others < 18) or a constant input; `x`/`out` replace the node's (a composed reduce). */
const reduce = (type: string, inputSince: number, input?: string, output?: string) => (c: RuleCtx): void => {
  c.only('axes', 'keepdims', 'noop_with_empty_axes');
  const x = input ?? c.in(0), out = output ?? c.out(0);
  if (c.opset >= inputSince && c.input(1) && !c.maybeConstValues(c.in(1))) {
    // axes fed at run time: the reduce op's `axes` input (Caffe2's rule: none means all)
    // noop_with_empty_axes matters only for an empty list, which the declared length tells
    if (c.attrs.int('noop_with_empty_axes', 0)) {
      const n = c.rank(c.in(1)) === 1 ? c.shape(c.in(1))[0]! : -1;
      if (n === 0) { c.emit('Copy', [x], [out]); return; }
      if (n < 0) c.fail("noop_with_empty_axes=1 with axes of unknown length fed at run time: Caffe2's reduce ops read an empty list as 'all'");
    }
    c.emit(type, [x, c.in(1)], [out], { keepdims: I(c.attrs.int('keepdims', 1)) });
    return;
  }
  let axes: number[] | undefined = c.opset < inputSince ? c.attrs.ints('axes') : c.input(1) ? c.constInts(c.in(1), 'axes') : undefined;
  if ((!axes || !axes.length) && c.attrs.int('noop_with_empty_axes', 0)) { c.emit('Copy', [x], [out]); return; }
  if (axes?.some((a) => a < 0)) { const r = c.rank(c.in(0)); axes = axes.map((a) => normAxis(c, a, r, 'axes')); }
  const args: Record<string, ArgValue> = {};
  if (axes && axes.length) args['axes'] = INTS(axes);
  args['keepdims'] = I(c.attrs.int('keepdims', 1));
  c.emit(type, [x], [out], args);
};

const argMaxMin = (type: 'ArgMax' | 'ArgMin') => (c: RuleCtx): void => {
  c.only('axis', 'keepdims', 'select_last_index');
  const x = c.in(0);
  let axis = c.attrs.int('axis', 0);
  if (axis < 0) axis = normAxis(c, axis, c.rank(x));
  const args = { axis: I(axis), keepdims: I(c.attrs.int('keepdims', 1)) };
  if (!c.attrs.int('select_last_index', 0)) { c.emit(type, [x], [c.out(0)], args); return; }
  // the last of equal values: Caffe2's first on the axis reversed (a Gather), counted from the end
  const n = c.shape(x)[axis]!;
  if (n < 0) c.fail('select_last_index=1 needs the static length of the reduced axis');
  const order = c.dummy(), reversed = c.dummy(), first = c.dummy(), last = c.dummy();
  c.emitConstant(order, Tensor.from('int64', [n], Array.from({ length: n }, (_, i) => n - 1 - i)));
  c.emit('Gather', [x, order], [reversed], { axis: I(axis) });
  c.emit(type, [reversed], [first], args);
  c.emitConstant(last, Tensor.from('int64', [], [n - 1]));
  c.emit('Sub', [last, first], [c.out(0)]);
};

/**
 * TopK; the k smallest are the k largest of -x (negation is exact and keeps the tie order). K
 * becomes the `k` arg when constant, else Caffe2 TopK's second input.
 */
const topK = (c: RuleCtx): void => {
  c.only('k', 'axis', 'largest', 'sorted');
  const x = c.in(0);
  const kIn = c.opset < 10 ? undefined : c.in(1);
  const k = c.opset < 10 ? c.attrs.int('k') : c.maybeConstValues(kIn!)?.[0];
  if (k === undefined && !kIn) c.fail("attribute 'k' is required");
  let axis = c.attrs.int('axis', -1);
  if (axis < 0) axis = normAxis(c, axis, c.rank(x));
  const args = k === undefined ? { axis: I(axis) } : { k: I(k), axis: I(axis) };
  const ins = (v: string): string[] => (k === undefined ? [v, kIn!] : [v]);
  if (c.attrs.int('largest', 1) === 1) { c.emit('TopK', ins(x), [c.out(0), c.out(1)], args); return; }
  const neg = c.dummy(), vals = c.dummy();
  c.emit('Negative', [x], [neg]);
  c.emit('TopK', ins(neg), [vals, c.out(1)], args);
  c.emit('Negative', [vals], [c.out(0)]);
};

/** MatMul -> BatchMatMul(broadcast=1); two 1-D operands give Caffe2 a [1], numpy a scalar. */
const matMul = (c: RuleCtx): void => {
  c.only();
  const a = c.in(0), b = c.in(1);
  if (c.info(a)?.shape.length === 1 && c.info(b)?.shape.length === 1) {
    const t = c.dummy();
    c.emit('BatchMatMul', [a, b], [t], { broadcast: I(1) });
    c.emit('Squeeze', [t], [c.out(0)], { dims: INTS([0]) });
    return;
  }
  c.emit('BatchMatMul', [a, b], [c.out(0)], { broadcast: I(1) });
};

export const NN_RULES: Readonly<Record<string, RuleSet>> = {
  Gemm: { '1+': gemm },
  MatMul: { '1+': matMul },
  Softmax: { '1+': softmax(false) },
  LogSoftmax: { '1+': softmax(true) },
  BatchNormalization: { '1+': batchNorm },
  InstanceNormalization: { '1+': (c) => { c.generic('InstanceNorm', { consumed_inputs: null }); } },
  LRN: {
    '1+': (c) => {
      c.only('size', 'alpha', 'beta', 'bias');
      c.generic('LRN', {}, { ...(c.attrs.has('alpha') ? {} : { alpha: F(1e-4) }), ...(c.attrs.has('beta') ? {} : { beta: F(0.75) }) });
    },
  },
  GroupNormalization: { '18+': groupNorm },
  Dropout: { '1+': dropout },
  ReduceMean: { '1+': reduce('ReduceMean', 18) },
  ReduceSum: { '1+': reduce('ReduceSum', 13) },
  ReduceMax: { '1+': reduce('ReduceMax', 18) },
  ReduceMin: { '1+': reduce('ReduceMin', 18) },
  ReduceL1: { '1+': reduceNorm(1) },
  ReduceL2: { '1+': reduceNorm(2) },
  ArgMax: { '1+': argMaxMin('ArgMax') },
  ArgMin: { '1+': argMaxMin('ArgMin') },
  TopK: { '1+': topK },
};
