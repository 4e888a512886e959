// Data movement and constants: Concat, Split, Slice, Gather, Cast, Identity, Constant,
// ConstantOfShape, Pad, Range (caffe2/onnx/backend.cc CreateConcat, CreateSplit, CreateSlice,
// CreateGather, CreateCast, CreateConstant, CreatePad; ConstantOfShape -> ConstantFill).

import { CAFFE2_DTYPE } from '../../core/dtype.js';
import { Tensor } from '../../core/tensor.js';
import type { ArgValue, RuleCtx } from '../context.js';
import { F, I, INTS, S, normAxis } from '../context.js';
import { onnxTensor, ONNX_TYPE_NAMES } from '../reader.js';
import { dtypeToCaffe2, type DType } from '../../core/dtype.js';
import type { RuleSet } from './index.js';
import { Ops } from './op_graph.js';
import { dynamicSlice } from './slice_dynamic.js';
import { selectElementwise } from './util.js';

/** ONNX TensorProto.DataType -> Caffe2 TensorProto.DataType (CreateCast). */
const CAST_TO: Readonly<Record<string, number>> = {
  FLOAT: CAFFE2_DTYPE.FLOAT, UINT8: CAFFE2_DTYPE.UINT8, INT8: CAFFE2_DTYPE.INT8, UINT16: CAFFE2_DTYPE.UINT16,
  INT16: CAFFE2_DTYPE.INT16, INT32: CAFFE2_DTYPE.INT32, INT64: CAFFE2_DTYPE.INT64, STRING: CAFFE2_DTYPE.STRING,
  BOOL: CAFFE2_DTYPE.BOOL, FLOAT16: CAFFE2_DTYPE.FLOAT16, DOUBLE: CAFFE2_DTYPE.DOUBLE,
};

const concat = (c: RuleCtx): void => {
  c.only('axis');
  const ins = c.node.inputs.filter((x) => x);
  let axis = c.attrs.int('axis', 1);
  if (axis < 0) axis = normAxis(c, axis, c.rank(ins[0]!));
  c.emit('Concat', ins, [c.out(0), c.dummy()], { axis: I(axis) });
};

const split = (c: RuleCtx): void => {
  c.only('axis', 'split', 'num_outputs');
  const x = c.in(0);
  let axis = c.attrs.int('axis', 0);
  if (axis < 0) axis = normAxis(c, axis, c.rank(x));
  const outs = c.node.outputs.slice();
  if (c.opset >= 13 && c.input(1) && !c.maybeConstValues(c.in(1))) {
    // sizes fed at run time: Caffe2's Split takes them as its second input
    c.emit('Split', [x, c.in(1)], outs.map((o) => o || c.dummy()), { axis: I(axis) });
    return;
  }
  let sizes = c.opset < 13 ? c.attrs.ints('split') : c.input(1) ? c.constInts(c.in(1), 'split') : undefined;
  const parts = c.attrs.int('num_outputs');
  if (!sizes && parts !== undefined) {
    // opset 18: ceil-sized chunks, the last one smaller
    const dim = c.staticShape(x, 'num_outputs')[axis]!;
    const chunk = Math.ceil(dim / parts);
    sizes = Array.from({ length: parts }, (_, i) => Math.max(0, Math.min(chunk, dim - i * chunk)));
  }
  if (sizes && sizes.length !== outs.length) c.fail(`split has ${sizes.length} sizes for ${outs.length} outputs`);
  const args: Record<string, ArgValue> = { axis: I(axis) };
  if (sizes) args['split'] = INTS(sizes);
  c.emit('Split', [x], outs.map((o) => o || c.dummy()), args);
};

const INT64_MAX = (1n << 63n) - 1n;

/**
 * Slice with constant starts/ends: one Caffe2 Slice per sliced axis (Caffe2 slices one dim per
 * op), with ONNX's exclusive ends turned into Caffe2's inclusive-from-the-end convention:
 * a negative index v becomes v - 1 (Caffe2 reads it as dim + 1 + v) and INT64_MAX becomes -1.
 * Starts or ends fed at run time: slice_dynamic.ts.
 */
const slice = (c: RuleCtx): void => {
  c.only('starts', 'ends', 'axes');
  const x = c.in(0);
  let starts: bigint[], ends: bigint[], axes: number[] | undefined, steps: bigint[] | undefined;
  if (c.opset < 10) {
    starts = c.attrs.bigints('starts') ?? c.fail("attribute 'starts' is required");
    ends = c.attrs.bigints('ends') ?? c.fail("attribute 'ends' is required");
    axes = c.attrs.ints('axes');
  } else {
    if (!c.maybeConstValues(c.in(1)) || !c.maybeConstValues(c.in(2))) { dynamicSlice(c); return; }
    starts = c.constBigints(c.in(1), 'starts');
    ends = c.constBigints(c.in(2), 'ends');
    axes = c.input(3) ? c.constInts(c.in(3), 'axes') : undefined;
    steps = c.input(4) ? c.constBigints(c.in(4), 'steps') : undefined;
  }
  if (steps?.some((s) => s !== 1n)) c.fail(`steps [${steps.join(', ')}]: Caffe2 Slice has no step`);
  if (starts.length !== ends.length) c.fail(`${starts.length} starts for ${ends.length} ends`);
  const r = c.rank(x);
  axes = (axes ?? starts.map((_, i) => i)).map((a) => normAxis(c, a, r, 'axes'));
  const dims = c.shape(x);
  const toC2Start = (v: bigint): bigint => (v < 0n ? v - 1n : v);
  const toC2End = (v: bigint): bigint => (v >= INT64_MAX ? -1n : v < 0n ? v - 1n : v);
  const cuts: { axis: number; start: bigint; end: bigint }[] = [];
  axes.forEach((axis, i) => {
    const start = toC2Start(starts[i]!), end = toC2End(ends[i]!);
    const d = dims[axis]!;
    // a slice that keeps the whole dim needs no op
    if (d >= 0 && (start === 0n || start <= -BigInt(d) - 1n) && (end === -1n || end >= BigInt(d))) return;
    cuts.push({ axis, start, end });
  });
  if (!cuts.length) { c.emit('Copy', [x], [c.out(0)]); return; }
  let cur = x;
  cuts.forEach((cut, k) => {
    const st = new Array<bigint>(r).fill(0n), en = new Array<bigint>(r).fill(-1n);
    st[cut.axis] = cut.start; en[cut.axis] = cut.end;
    const out = k === cuts.length - 1 ? c.out(0) : c.dummy();
    c.emit('Slice', [cur], [out], { starts: INTS(st), ends: INTS(en) });
    cur = out;
  });
};

const gather = (c: RuleCtx): void => {
  c.only('axis');
  const data = c.in(0), idx = c.in(1);
  let axis = c.attrs.int('axis', 0);
  if (axis < 0) axis = normAxis(c, axis, c.rank(data));
  if (axis === 0) c.emit('Gather', [data, idx], [c.out(0)]);
  else if (axis === 1) c.emit('BatchGather', [data, idx], [c.out(0)]);
  else c.emit('Gather', [data, idx], [c.out(0)], { axis: I(axis) });
};

function castTarget(c: RuleCtx, onnxType: number | string): number {
  const name = typeof onnxType === 'string' ? onnxType.toUpperCase() : ONNX_TYPE_NAMES[onnxType] ?? `type ${onnxType}`;
  const to = CAST_TO[name];
  if (to === undefined) c.fail(`casting to ${name} has no Caffe2 equivalent`);
  return to;
}

const cast = (c: RuleCtx): void => {
  const a = c.attrs.get('to');
  if (!a) c.fail("attribute 'to' is required");
  // Cast-1 named the type as a string; Cast-6 on takes the enum. The type is checked first: it
  // is the real reason a float8 cast (with its round_mode/saturate attributes) cannot lower.
  const to = castTarget(c, a.type === 'string' ? c.attrs.str('to', '') : c.attrs.int('to', 0));
  c.only('to', 'saturate');
  c.emit('Cast', [c.in(0)], [c.out(0)], { to: I(to) });
};

const castLike = (c: RuleCtx): void => {
  c.only('saturate');
  const d = c.dtype(c.in(1));
  c.emit('Cast', [c.in(0)], [c.out(0)], { to: I(dtypeToCaffe2(d)) });
};

const constant = (c: RuleCtx): void => {
  const out = c.out(0);
  const names = c.attrs.names();
  if (names.length !== 1) c.fail(`expected exactly one value attribute, got ${names.length ? names.join(', ') : 'none'}`);
  const n = names[0]!;
  let t: Tensor;
  switch (n) {
    case 'value': t = onnxTensor(c.attrs.tensor('value')!, { where: c.where }); break;
    case 'value_float': t = Tensor.from('float32', [], [c.attrs.float(n, 0)]); break;
    case 'value_floats': { const v = c.attrs.floats(n, []); t = Tensor.from('float32', [v.length], v); break; }
    case 'value_int': t = Tensor.from('int64', [], [c.attrs.bigint(n)!]); break;
    case 'value_ints': { const v = c.attrs.bigints(n) ?? []; t = Tensor.from('int64', [v.length], v); break; }
    default: c.fail(`attribute '${n}' is not supported`);
  }
  c.emitConstant(out, t);
};

/** ConstantOfShape -> ConstantFill(shape, input_as_shape=1) with the value's dtype. */
const constantOfShape = (c: RuleCtx): void => {
  c.only('value');
  const args: Record<string, ArgValue> = { input_as_shape: I(1) };
  const v = c.attrs.tensor('value');
  if (v) {
    const t = onnxTensor(v, { where: c.where });
    if (t.size !== 1) c.fail(`'value' must hold one element, got ${t.size}`);
    if (t.dtype === 'string') c.fail('a STRING value has no ConstantFill form');
    const dtype: DType = t.dtype;
    args['dtype'] = I(dtypeToCaffe2(dtype));
    const x = (t.data as ArrayLike<number | bigint>)[0]!;
    args['value'] = dtype === 'float32' || dtype === 'float64' || dtype === 'float16' ? F(t.get(0)) : I(typeof x === 'bigint' ? x : BigInt(x));
  }
  c.emit('ConstantFill', [c.in(0)], [c.out(0)], args);
};

/** Pad -> PadImage: 4-D only, no batch/channel padding, pads [t, l, b, r]. */
const pad = (c: RuleCtx): void => {
  c.only('pads', 'paddings', 'mode', 'value');
  const x = c.in(0);
  let pads: number[];
  let value = 0, fedValue: string | undefined;
  if (c.opset < 11) {
    pads = c.attrs.ints(c.opset < 2 ? 'paddings' : 'pads') ?? c.fail("attribute 'pads' is required");
    value = c.attrs.float('value', 0);
  } else {
    if (!c.maybeConstValues(c.in(1))) { runtimePads(c); return; }
    pads = c.constInts(c.in(1), 'pads');
    if (c.input(2)) {
      const v = c.maybeConstValues(c.in(2));
      if (v) value = v[0] ?? 0; else fedValue = c.in(2);
    }
    if (c.input(3)) {
      const r = c.rank(x);
      const axes = c.constInts(c.in(3), 'axes').map((a) => normAxis(c, a, r, 'axes'));
      const full = new Array<number>(2 * r).fill(0);
      axes.forEach((a, i) => { full[a] = pads[i]!; full[a + r] = pads[i + axes.length]!; });
      pads = full;
    }
  }
  const mode = c.attrs.str('mode', 'constant');
  if (!['constant', 'reflect', 'edge'].includes(mode)) c.fail(`mode '${mode}' has no PadImage form`);
  if (pads.some((p) => p < 0)) c.fail(`negative pads [${pads.join(', ')}] (cropping) have no PadImage form`);
  if (pads.length !== 8 || pads[0]! + pads[1]! + pads[4]! + pads[5]! !== 0) {
    c.fail(`pads [${pads.join(', ')}]: Caffe2 PadImage pads the two spatial dims of a 4-D NCHW tensor only`);
  }
  const args: Record<string, ArgValue> = { pads: INTS([pads[2]!, pads[3]!, pads[6]!, pads[7]!]), mode: S(mode) };
  if (mode === 'constant' && fedValue) { padFedValue(c, args, pads, fedValue); return; }
  if (mode === 'constant' && value !== 0) args['value'] = F(value);
  c.emit('PadImage', [x], [c.out(0)], args);
};

/**
 * Constant Pad whose value is fed at run time (PadImage takes it as an argument only): pad with
 * zeros, then choose elementwise between that and the value by where a padded ones tensor is 1.
 */
function padFedValue(c: RuleCtx, args: Record<string, ArgValue>, pads: number[] | string, value: string): void {
  const x = c.in(0), xs = c.shape(x);
  const shape = typeof pads !== 'string' && xs.every((d) => d >= 0) ? xs.map((d, i) => d + pads[i]! + pads[i + 4]!) : undefined;
  const g = new Ops(c), withPads = (t: string): string[] => (typeof pads === 'string' ? [t, pads] : [t]);
  const padded = g.op('PadImage', withPads(x), args);
  const inside = g.cast(g.op('PadImage', withPads(g.op('ConstantFill', [x], { value: F(1) })), args), 'bool');
  const filled = g.add(g.op('ConstantFill', [padded], { value: F(0) }), value);
  selectElementwise(c, inside, padded, filled, c.out(0), shape);
}

/**
 * Pad-11+ with pads fed at run time: PadImage's `pads` input gets [t, l, b, r] gathered from
 * them (zeros for axes not listed); an Assert checks that N and C are not padded.
 */
function runtimePads(c: RuleCtx): void {
  const x = c.in(0), pads = c.in(1);
  if (c.rank(x) !== 4) c.fail(`pads fed at run time for a rank-${c.rank(x)} input: Caffe2 PadImage pads the two spatial dims of a 4-D NCHW tensor only`);
  const mode = c.attrs.str('mode', 'constant');
  if (!['constant', 'reflect', 'edge'].includes(mode)) c.fail(`mode '${mode}' has no PadImage form`);
  const given = c.input(2) ? c.maybeConstValues(c.in(2)) : [0];
  const value = given?.[0] ?? 0;
  const listed = c.input(3) ? c.constInts(c.in(3), 'axes').map((a) => normAxis(c, a, 4, 'axes')) : [0, 1, 2, 3];
  const g = new Ops(c), k = (v: number[]): string => g.const('int64', v);
  const at = (axis: number, end: boolean): number | undefined => (listed.includes(axis) ? listed.indexOf(axis) + (end ? listed.length : 0) : undefined);
  const wide = g.cast(pads, 'int64');
  const nc = [at(0, false), at(1, false), at(0, true), at(1, true)].filter((v): v is number => v !== undefined);
  if (nc.length) {
    const zero = g.op('EQ', [g.op('Gather', [pads, k(nc)]), k([0])]);
    c.emit('Assert', [zero], [], { error_msg: S(`Pad '${c.node.name || c.out(0)}': Caffe2 PadImage pads the two spatial dims only, the batch and channel pads must be 0`) });
  }
  const sides = [at(2, false), at(3, false), at(2, true), at(3, true)];
  const tlbr = c.dummy(), parts = sides.map((i) => (i === undefined ? k([0]) : g.at(wide, i)));
  c.emit('Concat', parts, [tlbr, c.dummy()], { axis: I(0) });
  const args: Record<string, ArgValue> = { mode: S(mode) };
  if (mode === 'constant' && !given) { padFedValue(c, args, tlbr, c.in(2)); return; }
  if (mode === 'constant' && value !== 0) args['value'] = F(value);
  c.emit('PadImage', [x, tlbr], [c.out(0)], args);
}

/**
 * Range. Caffe2 counts an integer range as trunc(diff / step), plus one when that falls short,
 * which undercounts a negative step (10 to 6 by -3 gives [10] instead of ONNX's [10, 7]); integer
 * ranges therefore run in float64, where its count is ONNX's ceil(diff / step), exact below 2^53.
 */
const range = (c: RuleCtx): void => {
  c.only();
  const dtype = c.dtype(c.in(0));
  if (dtype === 'float32' || dtype === 'float64') { c.emit('Range', [c.in(0), c.in(1), c.in(2)], [c.out(0)]); return; }
  const g = new Ops(c);
  g.cast(g.op('Range', [0, 1, 2].map((i) => g.cast(c.in(i), 'float64'))), dtype, c.out(0));
};

/**
 * RandomNormal/RandomUniform -> GaussianFill/UniformFill (Caffe2's renames: scale -> std,
 * low/high -> min/max). A seed has no Caffe2 argument (its backend rejects it); float only.
 */
const randomFill = (type: 'GaussianFill' | 'UniformFill') => (c: RuleCtx): void => {
  c.only('dtype', 'mean', 'scale', 'low', 'high', 'shape', 'seed');
  if (c.attrs.has('seed')) c.fail('a seed has no Caffe2 fill argument');
  if (c.attrs.int('dtype', 1) !== 1) c.fail(`dtype ${c.typeName(c.attrs.int('dtype', 1))}: the Caffe2 random fills are float`);
  const shape = c.attrs.ints('shape');
  if (!shape) c.fail("attribute 'shape' is required");
  const args: Record<string, ArgValue> = { shape: INTS(shape) };
  if (type === 'GaussianFill') { args['mean'] = F(c.attrs.float('mean', 0)); args['std'] = F(c.attrs.float('scale', 1)); }
  else { args['min'] = F(c.attrs.float('low', 0)); args['max'] = F(c.attrs.float('high', 1)); }
  c.emit(type, [], [c.out(0)], args);
};

/** Sequence ops: a Caffe2 net holds tensors only. */
const sequence: RuleSet = { '1+': (c) => c.fail(`${c.node.opType} works on a sequence of tensors, which a Caffe2 net (tensors only) cannot hold`) };

export const TENSOR_RULES: Readonly<Record<string, RuleSet>> = {
  SplitToSequence: sequence, SequenceConstruct: sequence, SequenceEmpty: sequence, SequenceInsert: sequence,
  SequenceAt: sequence, SequenceErase: sequence, SequenceLength: sequence, ConcatFromSequence: sequence, SequenceMap: sequence,
  Concat: { '1+': concat },
  Split: { '1+': split },
  Slice: { '1+': slice },
  Gather: { '1+': gather },
  Cast: { '1+': cast },
  CastLike: { '15+': castLike },
  Identity: { '1+': (c) => { c.only(); c.emit('Copy', [c.in(0)], [c.out(0)]); } },
  Constant: { '1+': constant },
  ConstantOfShape: { '9+': constantOfShape },
  Pad: { '1+': pad },
  Range: { '11+': range },
  RandomNormal: { '1+': randomFill('GaussianFill') },
  RandomUniform: { '1+': randomFill('UniformFill') },
};

