// Cast (caffe2/operators/cast_op.h, caffe2/utils/cast.h): converts to `to`, a Caffe2 DataType
// number or its name in any case ("int64", "FLOAT"); absent means FLOAT, as in the last Caffe2.
// The conversion is C++'s static_cast (see kernels/cast.ts for truncation, wrap, bool and the
// x86-64 results where C++ leaves it undefined). float16 is an extension (Caffe2's CPU Cast had
// no at::Half kernel; ONNX Cast has): exact decoding, one round-to-nearest-even encoding. string
// is not supported, as on Caffe2's CPU.

import { cast, type CastStorage, type CastType } from '../../kernels/cast.js';
import { CAFFE2_DTYPE_NAMES, dtypeFromCaffe2, type DType } from '../core/dtype.js';
import { ArgError, NotSupportedError } from '../core/errors.js';
import { Tensor } from '../core/tensor.js';
import type { Argument } from '../proto/caffe2.js';
import { decodeUtf8 } from '../proto/wire.js';
import { arg, defineOp } from './schema.js';
import { canFold } from './tensor_util.js';

const CASTABLE: ReadonlySet<DType> = new Set(['float32', 'float64', 'float16', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'bool']);

function targetType(a: Argument | undefined): DType {
  let code = 1;
  if (a?.s !== undefined) {
    const name = decodeUtf8(a.s, 0, a.s.length).toUpperCase();
    const n = CAFFE2_DTYPE_NAMES[name];
    if (n === undefined) throw new ArgError(`unknown data type name "${name}" (expected one of ${Object.keys(CAFFE2_DTYPE_NAMES).join(', ')})`, { arg: 'to' });
    code = n;
  } else if (a?.i !== undefined) code = Number(a.i);
  else if (a) throw new ArgError('must be a DataType number (i) or name (s)', { arg: 'to' });
  const d = dtypeFromCaffe2(code);
  if (code === 3) throw new ArgError('BYTE (3) is deprecated in Caffe2; use UINT8 (6)', { arg: 'to' });
  if (!d || code === 0) throw new ArgError(`${code} is not a data type Cast can produce`, { arg: 'to' });
  if (!CASTABLE.has(d)) throw new NotSupportedError(`casting to ${d} is not supported (as on Caffe2's CPU)`, { arg: 'to' });
  return d;
}

function convert(y: Tensor, x: Tensor): void {
  cast(y.data as CastStorage, y.dtype as CastType, x.data as CastStorage, x.dtype as CastType);
}

export default defineOp({
  type: 'Cast', category: 'Tensor',
  doc: 'Converts to the `to` data type with C semantics (truncation, wrap, != 0 for bool); float16 rounds to nearest even.',
  inputs: [{ name: 'X' }], outputs: [{ name: 'Y' }],
  args: { to: arg.raw() },
  ignore: ['from_type'],
  normalize(a) { return Object.freeze({ to: targetType(a.to) }); },
  infer([x], p, ctx) {
    if (!CASTABLE.has(x!.dtype)) throw new NotSupportedError(`input 'X' is ${x!.dtype}; casting from ${x!.dtype} is not supported (as on Caffe2's CPU)`);
    const shape = x!.shape.slice();
    if (!canFold([x!], ctx, shape)) return [{ dtype: p.to, shape }];
    const y = new Tensor(p.to, shape);
    convert(y, x!.value!);
    return [{ dtype: p.to, shape, value: y }];
  },
  run(ctx) { convert(ctx.out(0), ctx.in(0)); },
});
