// A 3-D ConvTranspose from Caffe2's 2-D one. Depth is folded into the batch, and each depth tap
// kd of the filter runs as a 2-D ConvTranspose over every input slice; input slice id lands on
// output depth id·sD + kd - padFront. So each tap's result is spread to stride sD (zero slices
// in between), shifted by kd, and the taps are summed; the pads are cut from the depth after.
// The bias is added once at the end. Exact up to the order of the float sums.

import { Tensor } from '../../core/tensor.js';
import type { ArgMap, RuleCtx } from '../context.js';
import { I, INTS } from '../context.js';

export interface Transpose3d {
  kernel: number[]; strides: number[]; pads: number[]; adjs: number[];
  /** The 2-D ConvTranspose args for (kH, kW) geometry. */
  args2d: (kernel: number[], strides: number[], pads: number[], adjs: number[]) => ArgMap;
}

export function convTranspose3d(c: RuleCtx, x: string, w: string, bias: string | undefined, g: Transpose3d): void {
  const [N, Ci, D, H, W] = c.staticShape(x, 'a 3-D ConvTranspose (run as 2-D ones)');
  const ws = c.staticShape(w, 'a 3-D ConvTranspose (run as 2-D ones)');
  const Co = ws[1]! * c.attrs.int('group', 1);
  const [kD, kH, kW] = g.kernel as [number, number, number];
  const [sD, sH, sW] = g.strides as [number, number, number];
  const oH = (H! - 1) * sH + kH + g.adjs[1]! - g.pads[1]! - g.pads[4]!;
  const oW = (W! - 1) * sW + kW + g.adjs[2]! - g.pads[2]! - g.pads[5]!;
  const full = (D! - 1) * sD + kD + g.adjs[0]!; // depth before the pads are cut
  const T = D! * sD + kD - 1; // every shifted tap fits
  const t = (): string => c.dummy();
  const shape = (v: number[]): string => { const n = t(); c.emitConstant(n, Tensor.from('int64', [v.length], v)); return n; };
  const zeros = (s: number[]): string => { const n = t(); c.emitConstant(n, new Tensor('float32', s)); return n; };
  const op = (type: string, ins: string[], args: ArgMap = {}): string => { const o = t(); c.emit(type, ins, [o], args); return o; };
  const reshape = (v: string, s: number[]): string => { const o = t(); c.emit('Reshape', [v, shape(s)], [o, t()]); return o; };
  const concat = (ins: string[], axis: number): string => { const o = t(); c.emit('Concat', ins, [o, t()], { axis: I(axis) }); return o; };

  const slices = reshape(op('Transpose', [x], { axes: INTS([0, 2, 1, 3, 4]) }), [N! * D!, Ci!, H!, W!]);
  const taps: string[] = [];
  for (let kd = 0; kd < kD; kd++) {
    const wk = reshape(op('Slice', [w], { starts: INTS([0, 0, kd]), ends: INTS([-1, -1, kd + 1]) }), [ws[0]!, ws[1]!, kH, kW]);
    const z = op('ConvTranspose', [slices, wk], g.args2d([kH, kW], [sH, sW], [g.pads[1]!, g.pads[2]!, g.pads[4]!, g.pads[5]!], [g.adjs[1]!, g.adjs[2]!]));
    // [N, D, Co, oH, oW], spread along depth to stride sD, then kd slices later
    let u = reshape(z, [N!, D!, Co, oH, oW]);
    if (sD > 1) u = reshape(concat([op('ExpandDims', [u], { dims: INTS([2]) }), zeros([N!, D!, sD - 1, Co, oH, oW])], 2), [N!, D! * sD, Co, oH, oW]);
    const parts = [...(kd ? [zeros([N!, kd, Co, oH, oW])] : []), u, ...(T - kd - D! * sD ? [zeros([N!, T - kd - D! * sD, Co, oH, oW])] : [])];
    taps.push(parts.length > 1 ? concat(parts, 1) : u);
  }
  const sum = taps.length > 1 ? op('Sum', taps) : taps[0]!;
  const cut = op('Slice', [sum], { starts: INTS([0, g.pads[0]!]), ends: INTS([-1, full - g.pads[3]!]) });
  if (!bias) { c.emit('Transpose', [cut], [c.out(0)], { axes: INTS([0, 2, 1, 3, 4]) }); return; }
  const y = op('Transpose', [cut], { axes: INTS([0, 2, 1, 3, 4]) });
  c.emit('Add', [y, reshape(bias, [1, Co, 1, 1, 1])], [c.out(0)]);
}
