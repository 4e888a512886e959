// Elementwise ops and activations. Most keep their name and attributes (Caffe2's generic path);
// the renames are Caffe2's (Neg -> Negative, Equal -> EQ, ...). Before opset 7 ONNX broadcast
// was opt-in per node (`broadcast`, `axis`), which are Caffe2's legacy broadcast args too.

import { Tensor } from '../../core/tensor.js';
import type { RuleCtx } from '../context.js';
import { F, I } from '../context.js';
import type { RuleSet } from './index.js';
import { broadcastShape, broadcastTo } from './util.js';

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
 * other shapes are materialised at the broadcast shape first (Reshape + NumpyTile).
 */
const variadic = (type: 'Sum' | 'Max' | 'Min' | 'Mean') => (c: RuleCtx): void => {
  c.only('consumed_inputs');
  let ins = c.node.inputs.filter((x) => x);
  if (ins.length > 1) {
    const shapes = ins.map((x) => c.shape(x));
    const same = shapes.every((s) => s.length === shapes[0]!.length && s.every((d, i) => d === shapes[0]![i]));
    if (!same) {
      const out = broadcastShape(shapes);
      if (!out) c.fail(`inputs of shapes ${shapes.map((s) => `[${s.join(', ')}]`).join(', ')} need a static broadcast shape`);
      ins = ins.map((x) => broadcastTo(c, x, out));
    }
  }
  c.emit(type, ins, [c.out(0)]);
};

const clip = (c: RuleCtx): void => {
  if (c.opset < 11) { c.generic('Clip', { consumed_inputs: null }); return; }
  c.only();
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

/** PRelu: Caffe2's slope is one value or one per channel (axis 1); ONNX broadcasts it numpy-style. */
const prelu = (c: RuleCtx): void => {
  c.only('consumed_inputs');
  const x = c.in(0), slope = c.in(1);
  const xs = c.shape(x), ss = c.shape(slope);
  const n = ss.reduce((a, b) => a * b, 1);
  // before opset 7 the slope was per channel; from 7 it broadcasts numpy-style from the right
  const perChannel = xs.length >= 2 && n === xs[1] && (c.opset < 7 || (ss.length <= xs.length - 1
    && ss.every((d, i) => (i === ss.length - (xs.length - 1) ? d === xs[1] : d === 1))));
  if (n !== 1 && !perChannel) c.fail(`slope of shape [${ss.join(', ')}] for input [${xs.join(', ')}]: Caffe2 PRelu takes one slope or one per channel`);
  c.emit('PRelu', [x, slope], [c.out(0)]);
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
  Pow: { '1+': binary('Pow') },
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
  Where: { '9+': (c) => { c.only(); c.emit('Where', [c.in(0), c.in(1), c.in(2)], [c.out(0)]); } },
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
  HardSigmoid: { '1+': simple('HardSigmoid') },
  ThresholdedRelu: { '10+': simple('ThresholdedRelu') },
  Gelu: { '20+': gelu },
  Clip: { '1+': clip },
  PRelu: { '1+': prelu },
};
