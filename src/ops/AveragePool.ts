// AveragePool (caffe2/operators/pool_op.cc; aliases AveragePool1D/2D/3D): the mean over each window
// clipped to the input. The divisor is the number of window taps inside the input (the clipped
// window size; dilation is an extension, see pool_util.ts), or with count_include_pad always
// kD·kH·kW (even where the window passes the padding: PyTorch stops at the padded edge instead).

import { avgPool, globalAvgPool, poolExec } from '../../kernels/pool.js';
import { arg, defineOp } from './schema.js';
import { normalizePool, poolArgs, poolGeom, poolInfer, type PoolParams, type PoolState } from './pool_util.js';

const args = { ...poolArgs, count_include_pad: arg.bool(false) };

interface Params extends PoolParams { readonly countIncludePad: boolean }

export default defineOp<typeof args, Params, PoolState>({
  type: 'AveragePool', aliases: ['AveragePool1D', 'AveragePool2D', 'AveragePool3D'], category: 'Pool',
  doc: 'NCHW average pooling over clipped (optionally dilated) windows (count_include_pad: divide by the kernel size), or global.',
  inputs: [{ name: 'X' }], outputs: [{ name: 'Y' }],
  args,
  normalize(a) { return { ...normalizePool(a), countIncludePad: a.count_include_pad }; },
  infer([x], p) { return [{ dtype: 'float32', shape: poolInfer(x!, p) }]; },
  prepare() { return {}; },
  run(ctx, p) {
    const x = ctx.in(0), y = ctx.out(0).data as Float32Array, xd = x.data as Float32Array;
    const g = poolGeom(ctx.state, x.shape, p);
    const ex = ctx.exec, yp = ex && ex.threads > 1 ? ex.arena.ptrOf(y) : -1, xp = yp >= 0 ? ex!.arena.ptrOf(xd) : -1;
    if (p.global) globalAvgPool(y, xd, g.N * g.C, g.inD * g.inH * g.inW);
    else if (xp >= 0 && g.N * g.C > 1) poolExec(ex!, yp, xp, g, false, p.countIncludePad);
    else avgPool(y, xd, g, p.countIncludePad);
  },
});
