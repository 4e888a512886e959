// LengthsRangeFill (caffe2/operators/filler_op.h): for lengths [2, 3] writes int32 [0, 1, 0, 1, 2],
// a range 0..len-1 per entry. The output length is data-dependent; glow's `maxOutputSize` bounds it.

import { ShapeError, shapeStr } from '../core/errors.js';
import { arg, defineOp } from './schema.js';

export default defineOp({
  type: 'LengthsRangeFill', category: 'Data',
  doc: 'Concatenated ranges 0..len-1 for each of the int32 `lengths`.',
  inputs: [{ name: 'lengths' }],
  outputs: [{ name: 'range_sequence' }],
  // glow's importer reads maxOutputSize; here it bounds the data-dependent length for planning
  args: { maxOutputSize: arg.int() },
  infer([len], a) {
    if (len!.dtype !== 'int32') throw new ShapeError(`input 'lengths' must be int32, got ${len!.dtype}`);
    if (len!.shape.length !== 1) throw new ShapeError(`input 'lengths' must be 1-D, got ${shapeStr(len!.shape)}`);
    if (len!.value) return [{ dtype: 'int32', shape: [sumLengths(len!.value.data as Int32Array)] }];
    return [{ dtype: 'int32', shape: [-1], ...(a.maxOutputSize !== undefined ? { max: [a.maxOutputSize] } : {}) }];
  },
  run(ctx) {
    const len = ctx.in(0).data as Int32Array;
    const out = ctx.alloc(0, 'int32', [sumLengths(len)]).data;
    let o = 0;
    for (let i = 0; i < len.length; i++) for (let k = 0; k < len[i]!; k++) out[o++] = k;
  },
});

function sumLengths(len: Int32Array): number {
  let n = 0;
  for (let i = 0; i < len.length; i++) {
    if (len[i]! < 0) throw new ShapeError(`input 'lengths' holds a negative length ${len[i]} at [${i}]`);
    n += len[i]!;
  }
  return n;
}
