// ConvPoolOpBase (caffe2/operators/conv_pool_op_base.h), shared by Conv, MaxPool and AveragePool
// (ConvTranspose reuses the arg forms): the alternative arg spellings resolved once at load
// (kernels | kernel | kernel_h+kernel_w, likewise stride, dilation, pads | pad | pad_t..pad_r),
// then, with the input's rank, per-dim lists and the output size (kernels/geometry.ts).
// Lenient where Caffe2 only crashed or rejected by accident: `kernel`, `stride`, `dilation`, `pad`
// broadcast to any rank (Caffe2 resizes them to 2 dims), and a Conv without kernel args takes its
// kernel from the filter (Caffe2 requires the arg).

import { ArgError, NotSupportedError, ShapeError, shapeStr } from '../core/errors.js';
import type { ValueInfo } from '../core/tensor.js';
import { computeSizeAndPad, convGeom, LEGACY_NOTSET, LEGACY_SAME, LEGACY_VALID, type ConvGeom } from '../../kernels/geometry.js';
import { arg, type Args } from './schema.js';

export const convPoolArgs = {
  kernels: arg.ints(), kernel: arg.int(), kernel_h: arg.int(), kernel_w: arg.int(),
  strides: arg.ints(), stride: arg.int(), stride_h: arg.int(), stride_w: arg.int(),
  dilations: arg.ints(), dilation: arg.int(), dilation_h: arg.int(), dilation_w: arg.int(),
  pads: arg.ints(), pad: arg.int(), pad_t: arg.int(), pad_l: arg.int(), pad_b: arg.int(), pad_r: arg.int(),
  order: arg.str('NCHW', ['NCHW', 'NHWC']),
  legacy_pad: arg.int(LEGACY_NOTSET, { allowed: [0, 1, 2, 3] }),
  /** ONNX's, passed through by Caffe2's ONNX backend and ignored by Caffe2: only NOTSET keeps the meaning. */
  auto_pad: arg.str('NOTSET', ['NOTSET', 'VALID', 'SAME_UPPER', 'SAME_LOWER']),
};

type ConvPoolArgs = Args<typeof convPoolArgs>;

/** A per-dim list, or one value for every dim, or absent (the default). */
export type Dims = number | readonly number[] | undefined;

export interface ConvPoolParams {
  readonly kernel: Dims;
  readonly stride: Dims;
  readonly dilation: Dims;
  /** [head_0..head_{nd-1}, tail_0..tail_{nd-1}] or one value for all. */
  readonly pads: Dims;
  readonly legacyPad: number;
}

export function pickDims(a: Record<string, unknown>, list: string, single: string, h: string, w: string): Dims {
  const l = a[list] as readonly number[] | undefined, s = a[single] as number | undefined;
  const hv = a[h] as number | undefined, wv = a[w] as number | undefined;
  const given = [l?.length ? list : '', s !== undefined ? single : '', hv !== undefined || wv !== undefined ? `${h}/${w}` : ''].filter(Boolean);
  if (given.length > 1) throw new ArgError(`give one of ${given.map((g) => `'${g}'`).join(', ')}, not several`, { arg: given[1]!.split('/')[0]! });
  if (hv !== undefined || wv !== undefined) {
    if (hv === undefined || wv === undefined) throw new ArgError(`'${h}' and '${w}' must be given together`, { arg: hv === undefined ? h : w });
    return [hv, wv];
  }
  return l?.length ? l : s;
}

function values(d: Dims): readonly number[] {
  return d === undefined ? [] : typeof d === 'number' ? [d] : d;
}

/** Resolves the arg spellings and checks signs; throws ArgError / NotSupportedError. */
export function normalizeConvPool(a: ConvPoolArgs): ConvPoolParams {
  if (a.order !== 'NCHW') throw new NotSupportedError(`order '${a.order}' is not supported (only NCHW)`, { arg: 'order' });
  const r = a as unknown as Record<string, unknown>;
  const kernel = pickDims(r, 'kernels', 'kernel', 'kernel_h', 'kernel_w');
  const stride = pickDims(r, 'strides', 'stride', 'stride_h', 'stride_w');
  const dilation = pickDims(r, 'dilations', 'dilation', 'dilation_h', 'dilation_w');
  let pads: Dims;
  const tlbr = [a.pad_t, a.pad_l, a.pad_b, a.pad_r];
  const givenPads = [a.pads?.length ? 'pads' : '', a.pad !== undefined ? 'pad' : '', tlbr.some((v) => v !== undefined) ? 'pad_t' : ''].filter(Boolean);
  if (givenPads.length > 1) throw new ArgError(`give one of ${givenPads.map((g) => `'${g}'`).join(', ')}, not several`, { arg: givenPads[1]! });
  if (tlbr.some((v) => v !== undefined)) {
    if (tlbr.some((v) => v === undefined)) throw new ArgError("'pad_t', 'pad_l', 'pad_b' and 'pad_r' must be given together", { arg: 'pad_t' });
    pads = tlbr as number[];
  } else pads = a.pads?.length ? a.pads : a.pad;
  // Caffe2 ignores auto_pad: only NOTSET, and VALID without pads (= zero pads), keep their meaning
  if (a.auto_pad !== 'NOTSET' && !(a.auto_pad === 'VALID' && values(pads).every((v) => v === 0))) {
    throw new NotSupportedError(`auto_pad '${a.auto_pad}' is ignored by Caffe2 and would change the result; give explicit 'pads'`, { arg: 'auto_pad' });
  }
  if ((a.legacy_pad === LEGACY_VALID || a.legacy_pad === LEGACY_SAME) && pads !== undefined) {
    throw new ArgError(`explicit pads cannot be combined with legacy_pad ${a.legacy_pad === LEGACY_VALID ? 'VALID' : 'SAME'}`, { arg: givenPads[0]! });
  }
  for (const [name, d, min] of [['kernels', kernel, 1], ['strides', stride, 1], ['dilations', dilation, 1], ['pads', pads, 0]] as const) {
    for (const v of values(d)) {
      if (!Number.isInteger(v) || v < min) throw new ArgError(`${name.slice(0, -1)} ${v} must be ${min === 1 ? 'positive' : '>= 0'}`, { arg: name });
    }
  }
  return { kernel, stride, dilation, pads, legacyPad: a.legacy_pad };
}

/** The per-dim values of `d` for nd spatial dims (length n·nd for pads), or throws naming `what`. */
export function dimsFor(d: Dims, nd: number, def: number, what: string, per = 1): number[] {
  const n = nd * per;
  if (d === undefined) return new Array<number>(n).fill(def);
  if (typeof d === 'number') return new Array<number>(n).fill(d);
  if (d.length !== n) throw new ShapeError(`${what} has ${d.length} values, but ${nd}-D ${what === 'pads' ? 'needs' : 'takes'} ${n}`);
  return d.slice();
}

export interface Spatial {
  readonly nd: number;
  readonly kernel: readonly number[];
  readonly stride: readonly number[];
  readonly dilation: readonly number[];
  readonly padHead: readonly number[];
  readonly padTail: readonly number[];
  /** Output spatial dims (-1 where the input dim is not known yet). */
  readonly out: readonly number[];
}

/**
 * Resolves the geometry of X's spatial dims (X = [N, C, ...spatial], -1 for unknown dims) with
 * `kernel` (from the args, or from the filter / the input for global pooling when given here).
 */
export function resolveSpatial(p: ConvPoolParams, x: readonly number[], kernelOverride?: readonly number[]): Spatial {
  const nd = x.length - 2;
  const k = kernelOverride ?? p.kernel;
  if (k === undefined) throw new ArgError('a kernel size is required (kernels, kernel or kernel_h/kernel_w)', { arg: 'kernels' });
  const kernel = dimsFor(k, nd, 1, 'kernels');
  const stride = dimsFor(p.stride, nd, 1, 'strides');
  const dilation = dimsFor(p.dilation, nd, 1, 'dilations');
  const pads = dimsFor(p.pads, nd, 0, 'pads', 2);
  const padHead = pads.slice(0, nd), padTail = pads.slice(nd);
  const out: number[] = [];
  for (let i = 0; i < nd; i++) {
    const inSize = x[2 + i]!;
    if (inSize < 0) { out.push(-1); continue; }
    const dk = dilation[i]! * (kernel[i]! - 1) + 1;
    if (p.legacyPad === LEGACY_NOTSET && inSize + padHead[i]! + padTail[i]! < dk) {
      throw new ShapeError(`kernel ${kernel[i]}${dilation[i] !== 1 ? ` (dilated ${dk})` : ''} is larger than the padded input ${inSize + padHead[i]! + padTail[i]!} (${inSize} + pads ${padHead[i]}, ${padTail[i]}) in spatial dim ${i} of 'X' ${shapeStr(x)}`);
    }
    const s = computeSizeAndPad(inSize, stride[i]!, kernel[i]!, dilation[i]!, p.legacyPad, padHead[i]!, padTail[i]!);
    if (s.out < 1) throw new ShapeError(`kernel ${kernel[i]} leaves no output in spatial dim ${i} of 'X' ${shapeStr(x)} (legacy_pad ${p.legacyPad})`);
    padHead[i] = s.padHead;
    padTail[i] = s.padTail;
    out.push(s.out);
  }
  return { nd, kernel, stride, dilation, padHead, padTail, out };
}

/** The kernels' geometry record for a resolved problem (all dims known). */
export function geomOf(x: readonly number[], M: number, G: number, s: Spatial): ConvGeom {
  return convGeom(x[0]!, x[1]!, M, G, x.slice(2), s.out, s.kernel, s.stride, s.dilation, s.padHead);
}

export function requireF32(info: ValueInfo | undefined, name: string): void {
  if (info && info.dtype !== 'float32') throw new ShapeError(`input '${name}' must be float32, got ${info.dtype}`);
}

/** X must be [N, C, spatial...] with 1 to 3 spatial dims, and C·spatial > 0 (Caffe2 enforces it). */
export function checkImage(x: readonly number[], what = 'X'): void {
  if (x.length < 3 || x.length > 5) throw new ShapeError(`input '${what}' must be [N, C, *spatial] with 1 to 3 spatial dims, got ${shapeStr(x)}`);
  if (x.slice(1).some((d) => d === 0)) throw new ShapeError(`input '${what}' ${shapeStr(x)} has no elements per image (Caffe2 requires C and every spatial dim > 0)`);
}

export function sameDims(a: readonly number[] | undefined, b: readonly number[]): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
