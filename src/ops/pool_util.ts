// Shared by MaxPool and AveragePool (Caffe2 PoolOp, caffe2/operators/pool_op.{h,cc}): ConvPoolOpBase
// args plus global_pooling; without global pooling each pad must be smaller than the kernel.
// `dilations` is an extension (Caffe2's CPU pool enforced 1; ONNX pools dilate): the window's
// taps are o·s - pad + k·dil. NCHW, 1 to 3 spatial dims; the output has X's channels.

import { ArgError, NotSupportedError, ShapeError } from '../core/errors.js';
import type { ConvGeom } from '../../kernels/geometry.js';
import { arg, type Args } from './schema.js';
import { checkImage, convPoolArgs, dimsFor, geomOf, normalizeConvPool, resolveSpatial, sameDims, type ConvPoolParams, type Spatial } from './conv_pool_base.js';
import type { ValueInfo } from '../core/tensor.js';
import type { DType } from '../core/dtype.js';

export const poolArgs = {
  ...convPoolArgs,
  global_pooling: arg.bool(false),
  /** ONNX's, passed through by Caffe2's ONNX backend: Caffe2 ignores ceil_mode, so 1 is rejected. */
  ceil_mode: arg.int(0),
};

export interface PoolParams extends ConvPoolParams { readonly global: boolean }

export interface PoolState { xShape?: readonly number[]; geom?: ConvGeom }

export function normalizePool(a: Args<typeof poolArgs>): PoolParams {
  const base = normalizeConvPool(a);
  if (a.ceil_mode !== 0) throw new NotSupportedError(`ceil_mode ${a.ceil_mode} has no Caffe2 equivalent (Caffe2 ignores it)`, { arg: 'ceil_mode' });
  const list = (d: ConvPoolParams['kernel']): readonly number[] => (d === undefined ? [] : typeof d === 'number' ? [d] : d);
  if (a.global_pooling && (list(base.stride).some((s) => s !== 1) || list(base.pads).some((v) => v !== 0) || list(base.dilation).some((d) => d !== 1))) {
    throw new ArgError('with global_pooling, pads, strides and dilations must not be set', { arg: 'global_pooling' });
  }
  return { ...base, global: a.global_pooling };
}

/** Output shape and geometry; with global pooling the kernel is the whole input. */
export function poolSpatial(x: readonly number[], p: PoolParams): Spatial {
  checkImage(x);
  if (p.global) return resolveSpatial(p, x, x.slice(2).map((d) => (d < 0 ? 1 : d)));
  const s = resolveSpatial(p, x);
  // Caffe2 checks the pads as given (PoolOp's constructor), before legacy_pad computes its own.
  const pads = dimsFor(p.pads, s.nd, 0, 'pads', 2);
  for (let i = 0; i < s.nd; i++) {
    if (pads[i]! >= s.kernel[i]! || pads[s.nd + i]! >= s.kernel[i]!) {
      throw new ShapeError(`pads ${pads[i]}, ${pads[s.nd + i]} must be smaller than kernel ${s.kernel[i]} in spatial dim ${i}`);
    }
  }
  return s;
}

export function poolInfer(x: ValueInfo, p: PoolParams, dtypes: readonly DType[] = ['float32']): number[] {
  if (!dtypes.includes(x.dtype)) throw new ShapeError(`input 'X' must be ${dtypes.join(', ')}, got ${x.dtype}`);
  const s = poolSpatial(x.shape, p);
  return [x.shape[0]!, x.shape[1]!, ...(p.global ? s.out.map(() => 1) : s.out)];
}

/** The run-time geometry, recomputed only when X's shape changes. */
export function poolGeom(st: PoolState, x: readonly number[], p: PoolParams): ConvGeom {
  if (!st.geom || !sameDims(st.xShape, x)) {
    st.geom = geomOf(x, x[1]!, 1, poolSpatial(x, p));
    st.xShape = x;
  }
  return st.geom;
}

