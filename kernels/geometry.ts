// Convolution and pooling geometry shared by the fast and reference kernels: output sizes and
// pads per spatial dim (Caffe2 conv_pool_op_base.h ComputeSizeAndPad,
// conv_transpose_unpool_op_base.h), and the one record every conv/pool kernel reads.
// Spatial dims are always held as depth x height x width: 1-D is D=H=1, 2-D is D=1.

/** Caffe2's LegacyPadding (caffe2_legacy.proto). */
export const LEGACY_NOTSET = 0, LEGACY_VALID = 1, LEGACY_SAME = 2, LEGACY_CAFFE_POOLING = 3;

export interface SizeAndPad { out: number; padHead: number; padTail: number }

/** C++ int division: truncates toward zero. */
function idiv(a: number, b: number): number { return Math.trunc(a / b); }

/**
 * Output size and effective pads of one spatial dim (ComputeSizeAndPad). Caffe2 enforces
 * `in + padHead + padTail >= dilated kernel` only for NOTSET; the caller checks that `out >= 1`.
 * NOTSET computes `int(float(in + pads - dk) / stride + 1)` in float32, reproduced with fround.
 * SAME does not clamp a negative `need` (kernel < stride): pads may come out negative.
 */
export function computeSizeAndPad(
  inSize: number, stride: number, kernel: number, dilation: number, legacyPad: number, padHead: number, padTail: number,
): SizeAndPad {
  const dk = dilation * (kernel - 1) + 1;
  switch (legacyPad) {
    case LEGACY_VALID:
      return { out: idiv(inSize - dk, stride) + 1, padHead: 0, padTail: 0 };
    case LEGACY_SAME: {
      const target = idiv(inSize + stride - 1, stride);
      const need = (target - 1) * stride + kernel - inSize;
      const head = idiv(need, 2);
      return { out: idiv(inSize + need - dk, stride) + 1, padHead: head, padTail: need - head };
    }
    case LEGACY_CAFFE_POOLING: {
      // Caffe rounds the output size up and then keeps the last window starting inside the
      // image; the tail pad grows to fit. Note: the plain kernel, not the dilated one.
      const span = inSize + 2 * padHead - kernel;
      let out = Math.ceil(Math.fround(Math.fround(span / stride) + 1));
      if (padHead > 0 && (out - 1) * stride >= inSize + padHead) out--;
      const floorOut = Math.trunc(Math.fround(Math.fround(span / stride) + 1));
      return { out, padHead, padTail: padHead + stride * (out - floorOut) };
    }
    default:
      return { out: Math.trunc(Math.fround(Math.fround((inSize + padHead + padTail - dk) / stride) + 1)), padHead, padTail };
  }
}

/** ConvTranspose output size (conv_transpose_unpool_op_base.h); VALID and SAME drop the pads. */
export function convTransposeSizeAndPad(
  inSize: number, stride: number, kernel: number, adj: number, legacyPad: number, padHead: number, padTail: number,
): SizeAndPad {
  if (legacyPad === LEGACY_VALID || legacyPad === LEGACY_SAME) {
    return { out: (inSize - 1) * stride + kernel + adj, padHead: 0, padTail: 0 };
  }
  return { out: (inSize - 1) * stride + kernel + adj - padHead - padTail, padHead, padTail };
}

/**
 * One conv, conv-transpose or pooling problem, NCHW. For conv: X is [N, C, inD, inH, inW],
 * the filter [M, C/G, kD, kH, kW], Y [N, M, outD, outH, outW]. For ConvTranspose X has M
 * channels and Y has C (the filter is [M, C/G, kH, kW]); for pooling M = C and G = 1.
 * Pads are the head pads (front, top, left); tails only decide the output size.
 */
export interface ConvGeom {
  readonly N: number; readonly C: number; readonly M: number; readonly G: number;
  readonly inD: number; readonly inH: number; readonly inW: number;
  readonly outD: number; readonly outH: number; readonly outW: number;
  readonly kD: number; readonly kH: number; readonly kW: number;
  readonly sD: number; readonly sH: number; readonly sW: number;
  readonly dD: number; readonly dH: number; readonly dW: number;
  readonly padF: number; readonly padT: number; readonly padL: number;
}

/** Builds a ConvGeom from per-dim lists of length nd (1..3), right-aligned into D, H, W. */
export function convGeom(
  N: number, C: number, M: number, G: number,
  inSize: readonly number[], outSize: readonly number[], kernel: readonly number[],
  stride: readonly number[], dilation: readonly number[], padHead: readonly number[],
): ConvGeom {
  const nd = inSize.length;
  const at = (a: readonly number[], dim: number, def: number): number => {
    const i = dim - (3 - nd);
    return i >= 0 ? a[i]! : def;
  };
  return {
    N, C, M, G,
    inD: at(inSize, 0, 1), inH: at(inSize, 1, 1), inW: at(inSize, 2, 1),
    outD: at(outSize, 0, 1), outH: at(outSize, 1, 1), outW: at(outSize, 2, 1),
    kD: at(kernel, 0, 1), kH: at(kernel, 1, 1), kW: at(kernel, 2, 1),
    sD: at(stride, 0, 1), sH: at(stride, 1, 1), sW: at(stride, 2, 1),
    dD: at(dilation, 0, 1), dH: at(dilation, 1, 1), dW: at(dilation, 2, 1),
    padF: at(padHead, 0, 0), padT: at(padHead, 1, 0), padL: at(padHead, 2, 0),
  };
}

/**
 * The output positions o in [0, outSize) whose tap `o*stride - pad + k*dilation` lands inside
 * [0, inSize) form one range [tapLo, tapHi); both ends are clamped to [0, outSize]. Kernels
 * use it to split a row into zero-padding and bounds-check-free interior parts.
 */
export function tapLo(k: number, stride: number, pad: number, dilation: number, outSize: number): number {
  // smallest o with o*stride >= pad - k*dilation
  const need = pad - k * dilation;
  const lo = need <= 0 ? 0 : Math.ceil(need / stride);
  return lo > outSize ? outSize : lo;
}

export function tapHi(k: number, stride: number, pad: number, dilation: number, inSize: number, outSize: number): number {
  // smallest o with o*stride - pad + k*dilation >= inSize
  const need = inSize + pad - k * dilation;
  const hi = need <= 0 ? 0 : Math.ceil(need / stride);
  return hi > outSize ? outSize : hi;
}
