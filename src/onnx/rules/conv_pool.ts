// Conv, ConvTranspose and pooling (Caffe2's ConvPoolOpBase family; caffe2/onnx/backend.cc
// CreateConvPoolOpBase). ONNX `pads` [b1, b2, e1, e2] is already Caffe2's [t, l, b, r]; a
// half-length `pads` is duplicated; auto_pad, ceil_mode and ConvTranspose output_shape are
// resolved into explicit pads/adjs here (Caffe2 ignored them, silently changing the meaning).

import type { ArgMap, ArgValue, RuleCtx } from '../context.js';
import { Tensor } from '../../core/tensor.js';
import { I, INTS } from '../context.js';
import { convTranspose3d } from './conv_transpose_3d.js';
import type { RuleSet } from './index.js';

interface Geometry { kernel: number[]; strides: number[]; dilations: number[]; pads: number[] }

function fill(v: number[] | undefined, n: number, def: number, c: RuleCtx, what: string): number[] {
  if (!v) return new Array<number>(n).fill(def);
  if (v.length !== n) c.fail(`attribute '${what}' has ${v.length} values for ${n} spatial dims`);
  return v;
}

/** Spatial input dims, which must be known (auto_pad / ceil_mode / output_shape need them). */
function spatialDims(c: RuleCtx, x: string, n: number, why: string): number[] {
  const s = c.staticShape(x, why);
  if (s.length !== n + 2) c.fail(`input '${x}' has rank ${s.length}, expected ${n + 2} for a ${n}-D kernel`);
  return s.slice(2);
}

/** Kernel, strides, dilations and explicit begin+end pads, with auto_pad resolved (forward ops). */
function geometry(c: RuleCtx, x: string, kernel: number[]): Geometry {
  const n = kernel.length;
  const strides = fill(c.attrs.ints('strides'), n, 1, c, 'strides');
  const dilations = fill(c.attrs.ints('dilations'), n, 1, c, 'dilations');
  let pads = c.attrs.ints('pads') ?? c.attrs.ints('paddings') ?? new Array<number>(2 * n).fill(0);
  if (pads.length === n) pads = [...pads, ...pads];
  if (pads.length !== 2 * n) c.fail(`attribute 'pads' has ${pads.length} values for ${n} spatial dims`);
  if (pads.some((p) => p < 0)) c.fail(`negative pads [${pads.join(', ')}]`);
  const autoPad = c.attrs.str('auto_pad', 'NOTSET');
  if (autoPad === 'VALID') pads = new Array<number>(2 * n).fill(0);
  else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const dims = spatialDims(c, x, n, `auto_pad=${autoPad}`);
    pads = new Array<number>(2 * n).fill(0);
    for (let i = 0; i < n; i++) {
      const out = Math.ceil(dims[i]! / strides[i]!);
      const total = Math.max(0, (out - 1) * strides[i]! + (kernel[i]! - 1) * dilations[i]! + 1 - dims[i]!);
      const small = Math.floor(total / 2);
      pads[i] = autoPad === 'SAME_UPPER' ? small : total - small;
      pads[i + n] = total - pads[i]!;
    }
  } else if (autoPad !== 'NOTSET') c.fail(`auto_pad '${autoPad}' is not an ONNX value`);
  return { kernel, strides, dilations, pads };
}

/** Args in the node's attribute order (Caffe2's generic path), with the resolved geometry. */
function convArgs(c: RuleCtx, g: Geometry, keep: readonly string[], drop: readonly string[] = []): ArgMap {
  const args: Record<string, ArgValue> = {};
  const resolved: Record<string, ArgValue> = { kernel_shape: INTS(g.kernel), pads: INTS(g.pads), strides: INTS(g.strides), dilations: INTS(g.dilations) };
  for (const name of c.attrs.names()) {
    if (drop.includes(name)) continue;
    if (name in resolved) args[name === 'kernel_shape' ? 'kernels' : name] = resolved[name]!;
    else if (keep.includes(name)) args[name] = { k: 'i', v: c.attrs.bigint(name)! };
  }
  if (!('kernels' in args)) args['kernels'] = resolved['kernel_shape']!;
  if (!('pads' in args) && g.pads.some((p) => p)) args['pads'] = resolved['pads']!;
  if (!('strides' in args) && g.strides.some((s) => s !== 1)) args['strides'] = resolved['strides']!;
  return args;
}

const conv = (c: RuleCtx): void => {
  c.only('kernel_shape', 'strides', 'pads', 'dilations', 'group', 'auto_pad');
  const x = c.in(0), w = c.in(1);
  const kernel = c.attrs.ints('kernel_shape') ?? c.staticShape(w, 'the kernel shape (no kernel_shape attribute)').slice(2);
  const g = geometry(c, x, kernel);
  c.emit('Conv', c.node.inputs.filter((s) => s), [c.out(0)], convArgs(c, g, ['group']));
};

/** ONNX output size of a pooling window; with ceil_mode, windows starting in the end padding are dropped. */
function poolOut(inp: number, k: number, s: number, d: number, pb: number, pe: number, ceil: boolean): number {
  const span = inp + pb + pe - ((k - 1) * d + 1);
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (out - 1) * s >= inp + pb) out--;
  return out;
}

const pool = (type: 'MaxPool' | 'AveragePool') => (c: RuleCtx): void => {
  c.only('kernel_shape', 'strides', 'pads', 'dilations', 'auto_pad', 'ceil_mode', 'storage_order', 'count_include_pad');
  const kernel = c.attrs.ints('kernel_shape');
  if (!kernel) c.fail("attribute 'kernel_shape' is required");
  const x = c.in(0);
  const g = geometry(c, x, kernel);
  const n = kernel.length;
  // ONNX counts the taps inside the padded input; without pads that is the clipped count
  const includePad = type === 'AveragePool' && c.attrs.int('count_include_pad', 0) === 1 && g.pads.some((p) => p > 0);
  if (c.attrs.int('ceil_mode', 0) === 1) {
    const dims = spatialDims(c, x, n, 'ceil_mode=1');
    for (let i = 0; i < n; i++) {
      const out = poolOut(dims[i]!, kernel[i]!, g.strides[i]!, g.dilations[i]!, g.pads[i]!, g.pads[i + n]!, true);
      const extra = (out - 1) * g.strides[i]! + (kernel[i]! - 1) * g.dilations[i]! + 1 - (dims[i]! + g.pads[i]! + g.pads[i + n]!);
      if (extra <= 0) continue;
      // Caffe2 averages over k^k with count_include_pad; ONNX clips the last window to the padded input
      if (includePad) c.fail('ceil_mode=1 with count_include_pad=1 averages partial windows differently in Caffe2');
      g.pads[i + n] = g.pads[i + n]! + extra;
    }
  }
  const drop = g.dilations.every((d) => d === 1) ? ['dilations'] : [];
  const args = convArgs(c, g, includePad ? ['count_include_pad'] : [], drop);
  if (c.numOutputs > 1) { maxPoolIndices(c, x, args, g); return; }
  c.emit(type, [x], [c.out(0)], args);
};

/**
 * MaxPool's Indices output: Caffe2's MaxPoolWithIndex gives each maximum's place h·W + w in its
 * plane; ONNX counts over the whole tensor, (n·C + c)·H·W + that (storage_order 0), or with the
 * plane read column-major, w·H + h (storage_order 1).
 */
function maxPoolIndices(c: RuleCtx, x: string, args: ArgMap, g: Geometry): void {
  if (g.kernel.length !== 2) c.fail(`a ${g.kernel.length}-D MaxPool with Indices: Caffe2's MaxPoolWithIndex is 2-D`);
  if (g.dilations.some((d) => d !== 1)) c.fail(`dilations [${g.dilations.join(', ')}] with Indices: Caffe2's MaxPoolWithIndex has no dilation`);
  const [N, C, H, W] = c.staticShape(x, 'MaxPool with Indices (the plane offsets)');
  const mask = c.dummy(), m = c.dummy(), yShape = c.dummy(), shaped = c.dummy();
  c.emit('MaxPoolWithIndex', [x], [c.out(0), mask], args);
  c.emit('Cast', [mask], [m], { to: I(10) });
  const k = (values: number[], shape: number[]): string => { const n = c.dummy(); c.emitConstant(n, Tensor.from('int64', shape, values)); return n; };
  // Caffe2's mask is 1-D: back to Y's shape
  c.emit('Shape', [c.out(0)], [yShape]);
  c.emit('Reshape', [m, yShape], [shaped, c.dummy()]);
  let inPlane = shaped;
  if (c.attrs.int('storage_order', 0) === 1) {
    const h = c.dummy(), hw = c.dummy(), w = c.dummy(), wh = c.dummy();
    inPlane = c.dummy();
    c.emit('Div', [shaped, k([W!], [])], [h]);
    c.emit('Mul', [h, k([W!], [])], [hw]);
    c.emit('Sub', [shaped, hw], [w]);
    c.emit('Mul', [w, k([H!], [])], [wh]);
    c.emit('Add', [wh, h], [inPlane]);
  }
  const planes = Array.from({ length: N! * C! }, (_, p) => p * H! * W!);
  c.emit('Add', [inPlane, k(planes, [N!, C!, 1, 1])], [c.out(1)]);
}

const globalPool = (type: 'MaxPool' | 'AveragePool') => (c: RuleCtx): void => {
  c.only();
  c.emit(type, [c.in(0)], [c.out(0)], { global_pooling: I(1) });
};

/**
 * The filter of a dilated ConvTranspose as the undilated filter it equals: d - 1 zeros between
 * taps along each dilated axis (ExpandDims, Concat with zeros, Reshape, Slice off the tail).
 */
function dilatedFilter(c: RuleCtx, w: string, dilations: readonly number[]): string {
  const shape = c.staticShape(w, 'dilating the filter');
  let cur = w;
  dilations.forEach((d, i) => {
    if (d === 1) return;
    const ax = 2 + i, k = shape[ax]!;
    const col = c.dummy(), zeros = c.dummy(), wide = c.dummy(), flat = c.dummy(), target = c.dummy(), cut = c.dummy();
    c.emit('ExpandDims', [cur], [col], { dims: INTS([ax + 1]) });
    const zshape = [...shape.slice(0, ax + 1), d - 1, ...shape.slice(ax + 1)];
    c.emitConstant(zeros, new Tensor('float32', zshape));
    c.emit('Concat', [col, zeros], [wide, c.dummy()], { axis: I(ax + 1) });
    shape[ax] = k * d;
    c.emitConstant(target, Tensor.from('int64', [shape.length], shape));
    c.emit('Reshape', [wide, target], [flat, c.dummy()]);
    // keep (k - 1)·d + 1 taps: Caffe2 Slice ends count from the end when negative
    shape[ax] = (k - 1) * d + 1;
    const ends = shape.map(() => -1);
    ends[ax] = shape[ax]!;
    c.emit('Slice', [flat], [cut], { starts: INTS(shape.map(() => 0)), ends: INTS(ends) });
    cur = cut;
  });
  return cur;
}

const convTranspose = (c: RuleCtx): void => {
  c.only('kernel_shape', 'strides', 'pads', 'dilations', 'group', 'output_padding', 'output_shape', 'auto_pad');
  const x = c.in(0);
  let w = c.in(1);
  let kernel = c.attrs.ints('kernel_shape') ?? c.staticShape(w, 'the kernel shape (no kernel_shape attribute)').slice(2);
  const n = kernel.length;
  const strides = fill(c.attrs.ints('strides'), n, 1, c, 'strides');
  const dilations = fill(c.attrs.ints('dilations'), n, 1, c, 'dilations');
  if (dilations.some((d) => d !== 1)) {
    // Caffe2's ConvTranspose has no dilation; a dilated filter is a larger one with zero taps
    w = dilatedFilter(c, w, dilations);
    kernel = kernel.map((k, i) => (k - 1) * dilations[i]! + 1);
  }
  const adjs = fill(c.attrs.ints('output_padding'), n, 0, c, 'output_padding').slice();
  let pads = c.attrs.ints('pads') ?? new Array<number>(2 * n).fill(0);
  if (pads.length === n) pads = [...pads, ...pads];
  const autoPad = c.attrs.str('auto_pad', 'NOTSET');
  const outShape = c.attrs.ints('output_shape');
  if (outShape || autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const dims = spatialDims(c, x, n, outShape ? 'output_shape' : `auto_pad=${autoPad}`);
    const want = outShape ? outShape.slice(-n) : dims.map((d, i) => d * strides[i]!);
    pads = new Array<number>(2 * n).fill(0);
    for (let i = 0; i < n; i++) {
      const total = strides[i]! * (dims[i]! - 1) + adjs[i]! + kernel[i]! - want[i]!;
      // ONNX: SAME_UPPER puts the odd pad at the end, otherwise at the start (floor division)
      const half = Math.floor(total / 2);
      const pb = autoPad === 'SAME_UPPER' ? half : total - half;
      let pe = total - pb;
      if (pb < 0) c.fail(`output_shape ${want[i]} needs a negative begin pad on spatial dim ${i}`);
      if (pe < 0) { adjs[i] = adjs[i]! - pe; pe = 0; }
      if (adjs[i]! >= strides[i]!) c.fail(`output_shape ${want[i]} needs output padding ${adjs[i]} >= stride ${strides[i]} on spatial dim ${i}`);
      pads[i] = pb; pads[i + n] = pe;
    }
  } else if (autoPad === 'VALID') pads = new Array<number>(2 * n).fill(0);
  if (pads.length !== 2 * n || pads.some((p) => p < 0)) c.fail(`pads [${pads.join(', ')}] are not ${2 * n} non-negative values`);
  if (n === 1) {
    // Caffe2's ConvTranspose is 2-D: a 1-D one runs on [N, C, 1, L] with a [1, k] kernel
    const x2 = c.dummy(), w2 = c.dummy(), y2 = c.dummy();
    c.emit('ExpandDims', [x], [x2], { dims: INTS([2]) });
    c.emit('ExpandDims', [w], [w2], { dims: INTS([2]) });
    const args = transposeArgs(c, [1, kernel[0]!], [1, strides[0]!], [0, pads[0]!, 0, pads[1]!], [0, adjs[0]!]);
    c.emit('ConvTranspose', [x2, w2, ...(c.input(2) ? [c.in(2)] : [])], [y2], args);
    c.emit('Squeeze', [y2], [c.out(0)], { dims: INTS([2]) });
    return;
  }
  if (n === 3) {
    convTranspose3d(c, x, w, c.input(2), { kernel, strides, pads, adjs, args2d: (k, s, p, a) => transposeArgs(c, k, s, p, a) });
    return;
  }
  if (n !== 2) c.fail(`a ${n}-D ConvTranspose: Caffe2's ConvTranspose is 2-D (1-D and 3-D ones are rewritten)`);
  c.emit('ConvTranspose', [x, w, ...(c.input(2) ? [c.in(2)] : [])], [c.out(0)], transposeArgs(c, kernel, strides, pads, adjs));
};

function transposeArgs(c: RuleCtx, kernel: number[], strides: number[], pads: number[], adjs: number[]): ArgMap {
  const args: Record<string, ArgValue> = { kernels: INTS(kernel), strides: INTS(strides), pads: INTS(pads) };
  if (adjs.some((a) => a)) args['adjs'] = INTS(adjs);
  const group = c.attrs.int('group', 1);
  if (group !== 1 || c.attrs.has('group')) args['group'] = I(group);
  return args;
}

export const CONV_POOL_RULES: Readonly<Record<string, RuleSet>> = {
  Conv: { '1+': conv },
  ConvTranspose: { '1+': convTranspose },
  MaxPool: { '1+': pool('MaxPool') },
  AveragePool: { '1+': pool('AveragePool') },
  GlobalMaxPool: { '1+': globalPool('MaxPool') },
  GlobalAveragePool: { '1+': globalPool('AveragePool') },
};
