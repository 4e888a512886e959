// Element types of tensors, their typed-array storage, and the Caffe2 / ONNX enum numbers.

export type DType =
  | 'float32' | 'float64' | 'float16'
  | 'int8' | 'int16' | 'int32' | 'int64'
  | 'uint8' | 'uint16'
  | 'bool' | 'string';

export type NumericDType = Exclude<DType, 'string'>;

export interface StorageOf {
  float32: Float32Array;
  float64: Float64Array;
  /** fp16 bit patterns; converted to float32 by the ops that read them. */
  float16: Uint16Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  uint16: Uint16Array;
  /** One byte per element, 0 or 1. */
  bool: Uint8Array;
  string: Uint8Array[];
}

export type TypedArray =
  | Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array
  | Uint8Array | Uint16Array;

export type Storage = StorageOf[DType];

type TypedCtor = { new (n: number): TypedArray; new (b: ArrayBufferLike, off: number, n: number): TypedArray; BYTES_PER_ELEMENT: number };

const CTORS: Record<NumericDType, TypedCtor> = {
  float32: Float32Array, float64: Float64Array, float16: Uint16Array,
  int8: Int8Array, int16: Int16Array, int32: Int32Array, int64: BigInt64Array,
  uint8: Uint8Array, uint16: Uint16Array, bool: Uint8Array,
};

export function isNumeric(d: DType): d is NumericDType { return d !== 'string'; }
export function isFloat(d: DType): boolean { return d === 'float32' || d === 'float64' || d === 'float16'; }
export function isInteger(d: DType): boolean {
  return d === 'int8' || d === 'int16' || d === 'int32' || d === 'int64' || d === 'uint8' || d === 'uint16';
}

export function bytesPerElement(d: DType): number {
  return d === 'string' ? 0 : CTORS[d].BYTES_PER_ELEMENT;
}

/** A zero-filled storage of `n` elements. */
export function allocStorage<D extends DType>(d: D, n: number): StorageOf[D] {
  if (d === 'string') return Array.from({ length: n }, () => new Uint8Array(0)) as StorageOf[D];
  return new CTORS[d as NumericDType](n) as StorageOf[D];
}

/** A typed view of `n` elements of `d` over `buf` at byte offset `off` (must be aligned). */
export function viewStorage<D extends NumericDType>(d: D, buf: ArrayBufferLike, off: number, n: number): StorageOf[D] {
  return new CTORS[d](buf, off, n) as StorageOf[D];
}

/** Caffe2 TensorProto.DataType numbers. */
export const CAFFE2_DTYPE = {
  UNDEFINED: 0, FLOAT: 1, INT32: 2, BYTE: 3, STRING: 4, BOOL: 5, UINT8: 6, INT8: 7,
  UINT16: 8, INT16: 9, INT64: 10, FLOAT16: 12, DOUBLE: 13,
} as const;

const FROM_CAFFE2: Record<number, DType> = {
  1: 'float32', 2: 'int32', 3: 'uint8', 4: 'string', 5: 'bool', 6: 'uint8', 7: 'int8',
  8: 'uint16', 9: 'int16', 10: 'int64', 12: 'float16', 13: 'float64',
};

export function dtypeFromCaffe2(n: number): DType | undefined { return FROM_CAFFE2[n]; }

export function dtypeToCaffe2(d: DType): number {
  switch (d) {
    case 'float32': return 1; case 'int32': return 2; case 'string': return 4; case 'bool': return 5;
    case 'uint8': return 6; case 'int8': return 7; case 'uint16': return 8; case 'int16': return 9;
    case 'int64': return 10; case 'float16': return 12; case 'float64': return 13;
  }
}

/** Caffe2 DataType names as `Cast(to=...)` accepts them in string form. */
export const CAFFE2_DTYPE_NAMES: Record<string, number> = {
  UNDEFINED: 0, FLOAT: 1, INT32: 2, BYTE: 3, STRING: 4, BOOL: 5, UINT8: 6, INT8: 7,
  UINT16: 8, INT16: 9, INT64: 10, FLOAT16: 12, DOUBLE: 13,
};

/** ONNX TensorProto.DataType numbers (they differ from Caffe2's). */
export const ONNX_DTYPE = {
  UNDEFINED: 0, FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, STRING: 8,
  BOOL: 9, FLOAT16: 10, DOUBLE: 11, UINT32: 12, UINT64: 13, COMPLEX64: 14, COMPLEX128: 15, BFLOAT16: 16,
} as const;

const FROM_ONNX: Record<number, DType> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string',
  9: 'bool', 10: 'float16', 11: 'float64',
};

export function dtypeFromOnnx(n: number): DType | undefined { return FROM_ONNX[n]; }

export function dtypeToOnnx(d: DType): number {
  switch (d) {
    case 'float32': return 1; case 'uint8': return 2; case 'int8': return 3; case 'uint16': return 4;
    case 'int16': return 5; case 'int32': return 6; case 'int64': return 7; case 'string': return 8;
    case 'bool': return 9; case 'float16': return 10; case 'float64': return 11;
  }
}

/** numpy dtype descriptors ('<f4' etc.) used by .npy files. */
export const NPY_DESCR: Partial<Record<DType, string>> = {
  float32: '<f4', float64: '<f8', float16: '<f2', int8: '|i1', int16: '<i2', int32: '<i4', int64: '<i8',
  uint8: '|u1', uint16: '<u2', bool: '|b1',
};
