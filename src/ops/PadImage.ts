// PadImage (caffe2/operators/pad_op.cc; ONNX Pad): pads H and W of a 4-D NCHW or NHWC tensor by
// [t, l, b, r] (`pads`, or `pad` for all four, or `pad_t`/`pad_l`/`pad_b`/`pad_r` together).
// Negative pads crop. Modes: constant (`value`, converted to the tensor's type as C++ does),
// reflect (mirror without repeating the edge; each pad must be < the dim), edge (repeat the edge).
// Caffe2 registered float only and rejected empty images; every numeric dtype and empty dims
// work here. Extension: the pads may come from an optional input (int32/int64 [t, l, b, r],
// read at run time; ONNX Pad-11 feeds them as a tensor) instead of the args.

import { padImage, type PadMode } from '../../kernels/pad.js';
import { cast, type CastStorage, type CastType } from '../../kernels/cast.js';
import { ArgError, ShapeError, shapeStr } from '../core/errors.js';
import { Tensor } from '../core/tensor.js';
import { arg, defineOp } from './schema.js';
import { canFold, intValues, requireIndexType, requireNumeric, wordsOf } from './tensor_util.js';
import type { ValueInfo } from '../core/tensor.js';

interface Params { readonly pads: readonly [number, number, number, number]; readonly mode: PadMode; readonly value: number; readonly nhwc: boolean }

function resolvePads(a: { pad?: number; pads?: readonly number[]; pad_t?: number; pad_l?: number; pad_b?: number; pad_r?: number }): [number, number, number, number] {
  const sides = [a.pad_t, a.pad_l, a.pad_b, a.pad_r];
  const nSides = sides.filter((v) => v !== undefined).length;
  const given = [a.pad !== undefined, a.pads !== undefined, nSides > 0].filter(Boolean).length;
  if (given > 1) throw new ArgError("give one of 'pad', 'pads' or 'pad_t'/'pad_l'/'pad_b'/'pad_r'", { arg: a.pad !== undefined ? 'pad' : 'pads' });
  if (a.pad !== undefined) return [a.pad, a.pad, a.pad, a.pad];
  if (a.pads !== undefined) {
    if (a.pads.length !== 4) throw new ArgError(`must hold 4 values [t, l, b, r], got [${a.pads.join(', ')}]`, { arg: 'pads' });
    return [a.pads[0]!, a.pads[1]!, a.pads[2]!, a.pads[3]!];
  }
  if (nSides > 0 && nSides < 4) {
    const first = ['pad_t', 'pad_l', 'pad_b', 'pad_r'][sides.findIndex((v) => v !== undefined)]!;
    throw new ArgError('pad_t, pad_l, pad_b and pad_r must be given together', { arg: first });
  }
  return nSides ? sides as [number, number, number, number] : [0, 0, 0, 0];
}

function outShape(x: readonly number[], p: Params): number[] {
  if (x.length !== 4) throw new ShapeError(`input 'X' must be 4-D (${p.nhwc ? 'NHWC' : 'NCHW'}), got ${shapeStr(x)}`);
  const [hA, wA] = p.nhwc ? [1, 2] : [2, 3];
  const [t, l, b, r] = p.pads;
  const out = x.slice();
  for (const [axis, head, tail] of [[hA, t, b], [wA, l, r]] as const) {
    const D = x[axis]!;
    if (D < 0) { out[axis] = -1; continue; }
    if (p.mode === 'reflect' && (head > D - 1 || tail > D - 1)) {
      throw new ShapeError(`reflect pads [${p.pads.join(', ')}] must each be < ${D}, the size of dim ${axis} of input 'X' ${shapeStr(x)}`);
    }
    if (p.mode === 'edge' && D === 0 && (head > 0 || tail > 0)) {
      throw new ShapeError(`edge padding needs a non-empty dim ${axis} to repeat, but input 'X' is ${shapeStr(x)}`);
    }
    out[axis] = D + head + tail;
    if (out[axis]! < 0) throw new ShapeError(`pads [${p.pads.join(', ')}] crop dim ${axis} of input 'X' ${shapeStr(x)} below zero (${out[axis]})`);
  }
  return out;
}

/** The params with [t, l, b, r] from the `pads` input; undefined while its value is unknown. */
function withPadsInput(p: Params, info: ValueInfo | undefined): Params | undefined {
  if (!info) return p;
  requireIndexType(info, 'pads');
  if (info.shape.length !== 1 || (info.shape[0]! >= 0 && info.shape[0] !== 4)) throw new ShapeError(`input 'pads' must be [4] ([t, l, b, r]), got ${shapeStr(info.shape)}`);
  if (!info.value) return undefined;
  const v = intValues(info.value, 'pads');
  return Object.freeze({ ...p, pads: [v[0]!, v[1]!, v[2]!, v[3]!] as const });
}

function pad(y: Tensor, x: Tensor, p: Params): void {
  const src = wordsOf(x), dst = wordsOf(y);
  const [N, H, W, C] = p.nhwc ? x.shape : [x.shape[0]!, x.shape[2]!, x.shape[3]!, x.shape[1]!];
  const [oH, oW] = p.nhwc ? [y.shape[1]!, y.shape[2]!] : [y.shape[2]!, y.shape[3]!];
  const perPixel = p.nhwc ? C! : 1;
  // one padded pixel: `value` (a float arg) converted to the dtype as static_cast does
  const px = new Tensor(x.dtype, [perPixel]);
  cast(px.data as CastStorage, x.dtype as CastType, new Float32Array(perPixel).fill(p.value), 'float32');
  const geom = { outer: p.nhwc ? N! : N! * C!, H: H!, W: W!, inner: perPixel * src.unit, oH, oW, padT: p.pads[0], padL: p.pads[1] };
  padImage(dst.w, src.w, geom, p.mode, wordsOf(px).w);
}

export default defineOp({
  type: 'PadImage', category: 'Tensor',
  doc: 'Pads (or crops) H and W by [t, l, b, r]: constant, reflect or edge.',
  inputs: [{ name: 'X' }, { name: 'pads', optional: true }], outputs: [{ name: 'Y' }],
  args: {
    pads: arg.ints(), pad: arg.int(), pad_t: arg.int(), pad_l: arg.int(), pad_b: arg.int(), pad_r: arg.int(),
    mode: arg.str('constant', ['constant', 'reflect', 'edge']), value: arg.float(0),
    order: arg.str('NCHW', ['NCHW', 'NHWC']),
  },
  normalize(a, io): Params {
    const given = a.pads !== undefined || a.pad !== undefined || a.pad_t !== undefined;
    if (io.numInputs === 2 && given) throw new ArgError("must not be set when the pads come from input 'pads'", { arg: a.pads !== undefined ? 'pads' : a.pad !== undefined ? 'pad' : 'pad_t' });
    return Object.freeze({ pads: resolvePads(a), mode: a.mode as PadMode, value: a.value, nhwc: a.order === 'NHWC' });
  },
  infer(ins, params, ctx) {
    const x = ins[0]!;
    requireNumeric(x, 'X');
    const p = withPadsInput(params, ins[1]);
    if (!p) {
      // pads known at run time: H and W unknown until then
      if (x.shape.length !== 4) throw new ShapeError(`input 'X' must be 4-D (${params.nhwc ? 'NHWC' : 'NCHW'}), got ${shapeStr(x.shape)}`);
      return [{ dtype: x.dtype, shape: x.shape.map((d, i) => ((params.nhwc ? i === 1 || i === 2 : i >= 2) ? -1 : d)) }];
    }
    const shape = outShape(x.shape, p);
    if (!canFold([x], ctx, shape)) return [{ dtype: x.dtype, shape }];
    const y = new Tensor(x.dtype, shape);
    pad(y, x.value!, p);
    return [{ dtype: x.dtype, shape, value: y }];
  },
  run(ctx, params) {
    const pads = ctx.maybe(1);
    pad(ctx.out(0), ctx.in(0), pads ? withPadsInput(params, { dtype: pads.dtype, shape: pads.shape.slice(), value: pads })! : params);
  },
});
