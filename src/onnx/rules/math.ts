// Elementwise ops and activations. Most keep their name and attributes (Caffe2's generic path);
// the renames are Caffe2's (Neg -> Negative, Equal -> EQ, ...). Before opset 7 ONNX broadcast
// was opt-in per node (`broadcast`, `axis`), which are Caffe2's legacy broadcast args too.

import { Tensor } from '../../core/tensor.js';
import type { DType } from '../../core/dtype.js';
import type { RuleCtx } from '../context.js';
import { F, I } from '../context.js';
import type { RuleSet } from './index.js';
import { Ops } from './op_graph.js';
import { broadcastShape, broadcastTo, selectElementwise } from './util.js';

/** The inputs materialised at their common (static) broadcast shape, and that shape (`shapes`: theirs, for ops this rule emitted). */
function broadcastAll(c: RuleCtx, ins: string[], shapes = ins.map((x) => c.shape(x))): { ins: string[]; shape: number[] } {
  const same = shapes.every((s) => s.length === shapes[0]!.length && s.every((d, i) => d === shapes[0]![i]));
  if (same) return { ins, shape: shapes[0]! };
  const out = broadcastShape(shapes);
  if (!out) c.fail(`inputs of shapes ${shapes.map((s) => `[${s.join(', ')}]`).join(', ')} need a static broadcast shape`);
  return { ins: ins.map((x, i) => broadcastTo(c, x, out, shapes[i])), shape: out };
}

/** Same op under `type`; `consumed_inputs` (opset < 6 bookkeeping) is dropped. */
const simple = (type: string, renames: Record<string, string | null> = {}) => (c: RuleCtx): void => {
  c.generic(type, { consumed_inputs: null, ...renames });
};

/** Binary ops: legacy broadcast args before opset 7 (Caffe2 adds broadcast=1 to Add/Sub). */
const binary = (type: string) => (c: RuleCtx): void => {
  if (c.opset < 7) {
    const addBroadcast = (type === 'Add' || type === 'Sub') && !c.attrs.has('broadcast');
    c.generic(type, { consumed_inputs: null }, addBroadcast ? { broadcast: I(1) } : {});
    return;
  }
  c.only();
  c.emit(type, [c.in(0), c.in(1)], [c.out(0)]);
};

/**
 * Variadic Sum/Max/Min/Mean. Caffe2's need equal shapes; ONNX broadcasts (opset 8 on): inputs of
 * other shapes are materialised at the broadcast shape first (Reshape + NumpyTile). Caffe2's Max
 * and Min are float32 only: other types take minMaxAnyType.
 */
const variadic = (type: 'Sum' | 'Max' | 'Min' | 'Mean') => (c: RuleCtx): void => {
  c.only('consumed_inputs');
  const given = c.node.inputs.filter((x) => x);
  const dtype = c.dtype(given[0]!);
  if ((type === 'Max' || type === 'Min') && dtype !== 'float32') { minMaxAnyType(c, type, given, dtype); return; }
  const ins = given.length > 1 ? broadcastAll(c, given).ins : given;
  if (type !== 'Mean') { c.emit(type, ins, [c.out(0)]); return; }
  // Mean as ONNX defines it: the sum divided by the count (Caffe2's Mean multiplies by 1/count)
  const sum = c.dummy(), count = c.dummy();
  c.emit('Sum', ins, [sum]);
  c.emitConstant(count, Tensor.scalar(ins.length, dtype === 'float64' ? 'float64' : 'float32'));
  c.emit('Div', [sum, count], [c.out(0)]);
};

/** HardSigmoid: max(0, min(1, alpha·x + beta)) as Scale, Add and Clip (the runtime has no HardSigmoid op). */
const hardSigmoid = (c: RuleCtx): void => {
  c.only('alpha', 'beta', 'consumed_inputs');
  const scaled = c.dummy(), shifted = c.dummy(), beta = c.dummy();
  c.emit('Scale', [c.in(0)], [scaled], { scale: F(c.attrs.float('alpha', 0.2)) });
  c.emitConstant(beta, Tensor.scalar(c.attrs.float('beta', 0.5)));
  c.emit('Add', [scaled, beta], [shifted]);
  c.emit('Clip', [shifted], [c.out(0)], { min: F(0), max: F(1) });
};

/** ThresholdedRelu: x where x > alpha, else 0, as a comparison and an elementwise choice. */
const thresholdedRelu = (c: RuleCtx): void => {
  c.only('alpha');
  const x = c.in(0), alpha = c.dummy(), above = c.dummy(), zeros = c.dummy();
  c.emitConstant(alpha, Tensor.scalar(c.attrs.float('alpha', 1)));
  c.emit('GT', [x, alpha], [above]);
  c.emit('ConstantFill', [x], [zeros], { value: F(0) });
  const s = c.shape(x);
  selectElementwise(c, above, x, zeros, c.out(0), s.every((d) => d >= 0) ? s : undefined);
};

/** Where: the three inputs materialised at their broadcast shape, then an elementwise choice. */
const where = (c: RuleCtx): void => {
  c.only();
  const { ins, shape } = broadcastAll(c, [c.in(0), c.in(1), c.in(2)]);
  selectElementwise(c, ins[0]!, ins[1]!, ins[2]!, c.out(0), shape.every((d) => d >= 0) ? shape : undefined);
};

/**
 * Max/Min of another type than float32, exactly: float16 through float32 (they only pick
 * values); the rest by comparisons and elementwise choices, pairwise, a NaN operand winning as in
 * numpy (so for float64 also where the other is infinite).
 */
function minMaxAnyType(c: RuleCtx, type: 'Max' | 'Min', given: string[], dtype: DType): void {
  if (dtype === 'float16') {
    const g = new Ops(c);
    const wide = g.op(type, broadcastAll(c, given.map((x) => g.cast(x, 'float32')), given.map((x) => c.shape(x))).ins);
    g.cast(wide, 'float16', c.out(0));
    return;
  }
  if (given.length === 1) { c.emit('Copy', [given[0]!], [c.out(0)]); return; }
  const { ins, shape } = broadcastAll(c, given);
  const float = dtype === 'float64';
  let m = ins[0]!;
  ins.slice(1).forEach((b, i) => {
    let pick = c.dummy();
    c.emit(type === 'Max' ? 'GT' : 'LT', [b, m], [pick]);
    if (float) {
      const self = c.dummy(), nan = c.dummy(), either = c.dummy();
      c.emit('EQ', [b, b], [self]);
      c.emit('Not', [self], [nan]);
      c.emit('Or', [pick, nan], [either]);
      pick = either;
    }
    const out = i === ins.length - 2 ? c.out(0) : c.dummy();
    selectElementwise(c, pick, b, m, out, shape);
    m = out;
  });
}

/**
 * Pow: Caffe2's is float32 and broadcasts only legacy-style (the exponent's shape a suffix of the
 * base's, broadcast=1); other exponent shapes are materialised. Integer and float64 exponents are
 * cast to float32 (exact for integer exponents below 2^24), a float16 base goes through float32.
 */
const pow = (c: RuleCtx): void => {
  if (c.opset < 7) { binary('Pow')(c); return; }
  c.only();
  const bt = c.dtype(c.in(0)), et = c.dtype(c.in(1));
  if (bt !== 'float32' && bt !== 'float16') c.fail(`a ${bt} base: Caffe2 Pow is float32 only (an integer power through float32 would round past 2^24)`);
  const xs = c.shape(c.in(0)), es = c.shape(c.in(1)), g = new Ops(c);
  let x = bt === 'float32' ? c.in(0) : g.cast(c.in(0), 'float32');
  let e = et === 'float32' ? c.in(1) : g.cast(c.in(1), 'float32');
  const same = xs.length === es.length && xs.every((d, i) => d === es[i]);
  const suffix = es.length <= xs.length && es.every((d, i) => d >= 0 && d === xs[xs.length - es.length + i]);
  if (!same && !suffix) [x, e] = broadcastAll(c, [x, e], [xs, es]).ins as [string, string];
  const out = g.op('Pow', [x, e], !same && suffix ? { broadcast: I(1) } : {}, bt === 'float32' ? c.out(0) : undefined);
  if (bt !== 'float32') g.cast(out, bt, c.out(0));
};

const clip = (c: RuleCtx): void => {
  if (c.opset < 11) { c.generic('Clip', { consumed_inputs: null }); return; }
  c.only();
  if (c.dtype(c.in(0)) !== 'float32') { clipAnyType(c); return; }
  const fed = [1, 2].filter((i) => c.input(i) && !c.maybeConstValues(c.in(i)));
  if (fed.length) {
    // a bound fed at run time: Clip's min/max inputs; an absent one is float's lowest/max
    const bound = (i: number, none: number): string => {
      if (c.input(i)) return c.in(i);
      const n = c.dummy();
      c.emitConstant(n, Tensor.scalar(none));
      return n;
    };
    c.emit('Clip', [c.in(0), bound(1, -3.4028234663852886e38), bound(2, 3.4028234663852886e38)], [c.out(0)]);
    return;
  }
  const lo = c.input(1) ? c.constFloats(c.in(1), 'min') : undefined;
  const hi = c.input(2) ? c.constFloats(c.in(2), 'max') : undefined;
  c.emit('Clip', [c.in(0)], [c.out(0)], {
    ...(lo ? { min: F(lo[0]!) } : {}),
    ...(hi ? { max: F(hi[0]!) } : {}),
  });
};

/**
 * Clip of another type than float32 (Caffe2's is float32 only), exactly: float16 through float32;
 * the rest as a choice against each bound broadcast to the input (NaN passes through).
 */
function clipAnyType(c: RuleCtx): void {
  const x = c.in(0), dtype = c.dtype(x);
  const bounds = [1, 2].filter((i) => c.input(i));
  if (dtype === 'float16') {
    const g = new Ops(c);
    const bound = (i: number, none: number): string => (c.input(i) ? g.cast(c.in(i), 'float32') : g.const('float32', [none], []));
    g.cast(g.op('Clip', [g.cast(x, 'float32'), bound(1, -3.4028234663852886e38), bound(2, 3.4028234663852886e38)]), 'float16', c.out(0));
    return;
  }
  if (!bounds.length) { c.emit('Copy', [x], [c.out(0)]); return; }
  const shape = c.staticShape(x, `Clip of ${dtype}`);
  let cur = x;
  bounds.forEach((i, k) => {
    const bound = broadcastTo(c, c.in(i), shape), beyond = c.dummy();
    c.emit(i === 1 ? 'LT' : 'GT', [cur, bound], [beyond]);
    const out = k === bounds.length - 1 ? c.out(0) : c.dummy();
    selectElementwise(c, beyond, bound, cur, out, shape);
    cur = out;
  });
}

/**
 * PRelu: Caffe2's slope is one value or one per channel (axis 1); ONNX broadcasts it numpy-style,
 * which the other shapes get through Mul and an elementwise choice.
 */
const prelu = (c: RuleCtx): void => {
  c.only('consumed_inputs');
  const x = c.in(0), slope = c.in(1);
  const xs = c.shape(x), ss = c.shape(slope);
  const n = ss.reduce((a, b) => a * b, 1);
  // before opset 7 the slope was per channel; from 7 it broadcasts numpy-style from the right
  const perChannel = xs.length >= 2 && n === xs[1] && (c.opset < 7 || (ss.length <= xs.length - 1
    && ss.every((d, i) => (i === ss.length - (xs.length - 1) ? d === xs[1] : d === 1))));
  if (n === 1 || perChannel) { c.emit('PRelu', [x, slope], [c.out(0)]); return; }
  // another numpy broadcast of the slope: slope·x where x < 0, chosen elementwise
  if (c.opset < 7 || c.dtype(x) !== 'float32') c.fail(`slope of shape [${ss.join(', ')}] for a ${c.dtype(x)} input [${xs.join(', ')}]: Caffe2 PRelu takes one slope or one per channel`);
  const shape = c.staticShape(x, 'PRelu with a broadcast slope');
  const full = broadcastShape([xs, ss]);
  if (!full || full.some((d, i) => d !== shape[i]) || full.length !== shape.length) c.fail(`slope of shape [${ss.join(', ')}] does not broadcast to input [${xs.join(', ')}]`);
  const scaled = c.dummy(), neg = c.dummy(), zero = c.dummy();
  c.emit('Mul', [x, slope], [scaled]);
  c.emitConstant(zero, Tensor.scalar(0));
  c.emit('LT', [x, zero], [neg]);
  selectElementwise(c, neg, scaled, x, c.out(0), shape);
};

const gelu = (c: RuleCtx): void => {
  c.only('approximate');
  const approx = c.attrs.str('approximate', 'none');
  if (approx !== 'none' && approx !== 'tanh') c.fail(`approximate='${approx}' is not an ONNX value`);
  c.emit('Gelu', [c.in(0)], [c.out(0)], approx === 'tanh' ? { fast_gelu: I(1) } : {});
};

export const MATH_RULES: Readonly<Record<string, RuleSet>> = {
  Add: { '1+': binary('Add') },
  Sub: { '1+': binary('Sub') },
  Mul: { '1+': binary('Mul') },
  Div: { '1+': binary('Div') },
  Pow: { '1+': pow },
  And: { '1+': binary('And') },
  Or: { '1+': binary('Or') },
  Xor: { '1+': binary('Xor') },
  Equal: { '1+': binary('EQ') },
  Less: { '1+': binary('LT') },
  Greater: { '1+': binary('GT') },
  LessOrEqual: { '12+': binary('LE') },
  GreaterOrEqual: { '12+': binary('GE') },
  Sum: { '1+': variadic('Sum') },
  Max: { '1+': variadic('Max') },
  Min: { '1+': variadic('Min') },
  Mean: { '1+': variadic('Mean') },
  Where: { '9+': where },
  Not: { '1+': simple('Not') },
  Relu: { '1+': simple('Relu') },
  Sigmoid: { '1+': simple('Sigmoid') },
  Tanh: { '1+': simple('Tanh') },
  Exp: { '1+': simple('Exp') },
  Log: { '1+': simple('Log') },
  Sqrt: { '1+': simple('Sqrt') },
  Abs: { '1+': simple('Abs') },
  Neg: { '1+': simple('Negative') },
  Floor: { '1+': simple('Floor') },
  Ceil: { '1+': simple('Ceil') },
  Sign: { '9+': simple('Sign') },
  Erf: { '9+': simple('Erf') },
  Sin: { '7+': simple('Sin') },
  Cos: { '7+': simple('Cos') },
  Tan: { '7+': simple('Tan') },
  Asin: { '7+': simple('Asin') },
  Acos: { '7+': simple('Acos') },
  Atan: { '7+': simple('Atan') },
  Softplus: { '1+': simple('Softplus') },
  Softsign: { '1+': simple('Softsign') },
  Reciprocal: { '1+': (c) => { c.only('consumed_inputs'); c.emit('Pow', [c.in(0)], [c.out(0)], { exponent: F(-1) }); } },
  Elu: { '1+': simple('Elu') },
  LeakyRelu: { '1+': simple('LeakyRelu') },
  Selu: { '1+': simple('Selu', { gamma: 'scale' }) },
  HardSigmoid: { '1+': hardSigmoid },
  ThresholdedRelu: { '10+': thresholdedRelu },
  Gelu: { '20+': gelu },
  Clip: { '1+': clip },
  PRelu: { '1+': prelu },
};
