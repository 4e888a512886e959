// A Tensor as a Caffe2 GivenTensor*Fill op: what detectron2's `construct_init_net_from_params`
// writes for every parameter (float32 -> GivenTensorFill, int32 -> GivenTensorIntFill,
// int64 -> GivenTensorInt64Fill; args `shape` then `values`, as `core.CreateOperator` sorts its
// keyword args), extended to the other types a Caffe2 fill can hold without changing the dtype.

import { CAFFE2_DTYPE } from '../core/dtype.js';
import { NotSupportedError } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import type { OperatorDef } from '../proto/caffe2.js';
import { FLOATS, I, INTS, makeOp, type ArgMap, type ArgValue } from './args.js';

function ints(t: Tensor): ArgValue {
  if (t.dtype === 'int64') return { k: 'ints', v: t.data as BigInt64Array };
  return { k: 'ints', v: BigInt64Array.from(t.data as ArrayLike<number>, (x) => BigInt(x)) };
}

/** The fill op that recreates `t` as blob `name`. float64 values are stored as floats (float32), as Caffe2 does. */
export function fillOpFor(name: string, t: Tensor): OperatorDef {
  const shape = INTS(t.shape);
  let type: string;
  let args: ArgMap;
  switch (t.dtype) {
    case 'float32': type = 'GivenTensorFill'; args = { shape, values: FLOATS(t.data as Float32Array) }; break;
    case 'float64': type = 'GivenTensorDoubleFill'; args = { shape, values: FLOATS(Float32Array.from(t.data as Float64Array)) }; break;
    case 'int32': type = 'GivenTensorIntFill'; args = { shape, values: ints(t) }; break;
    case 'int64': type = 'GivenTensorInt64Fill'; args = { shape, values: ints(t) }; break;
    case 'int16': type = 'GivenTensorInt16Fill'; args = { shape, values: ints(t) }; break;
    case 'bool': type = 'GivenTensorBoolFill'; args = { shape, values: ints(t) }; break;
    case 'string': type = 'GivenTensorStringFill'; args = { shape, values: { k: 'strings', v: (t.data as Uint8Array[]).slice() } }; break;
    // GivenTensorFill's `dtype` keeps the element type (Caffe2 reads uint8 values from ints)
    case 'uint8': type = 'GivenTensorFill'; args = { dtype: I(CAFFE2_DTYPE.UINT8), shape, values: ints(t) }; break;
    case 'int8': type = 'GivenTensorFill'; args = { dtype: I(CAFFE2_DTYPE.INT8), shape, values: ints(t) }; break;
    case 'uint16': type = 'GivenTensorFill'; args = { dtype: I(CAFFE2_DTYPE.UINT16), shape, values: ints(t) }; break;
    // fp16 as bit patterns in ints: our GivenTensorFill reads them so (Caffe2 had no fp16 fill)
    case 'float16': type = 'GivenTensorFill'; args = { dtype: I(CAFFE2_DTYPE.FLOAT16), shape, values: ints(t) }; break;
    default: throw new NotSupportedError(`no Caffe2 fill op holds a ${String(t.dtype)} tensor`, { blob: name });
  }
  return makeOp(type, [], [name], args);
}
