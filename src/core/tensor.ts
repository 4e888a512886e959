// Tensor: a dtype, a row-major shape and a typed-array storage. 0-d tensors have shape [] and
// one element. int64 is stored exactly in a BigInt64Array; bool as 0/1 bytes.

import { allocStorage, type DType, type NumericDType, type StorageOf } from './dtype.js';
import { InputError, ShapeError, shapeStr } from './errors.js';
import { numel, type Shape } from './shape.js';

export class Tensor<D extends DType = DType> {
  readonly dtype: D;
  readonly shape: readonly number[];
  readonly data: StorageOf[D];

  constructor(dtype: D, shape: Shape, data?: StorageOf[D]) {
    const n = numel(shape);
    for (const d of shape) {
      if (!Number.isSafeInteger(d) || d < 0) throw new ShapeError(`invalid tensor shape ${shapeStr(shape)}`);
    }
    if (data === undefined) data = allocStorage(dtype, n);
    else if (data.length < n) {
      throw new ShapeError(`tensor data has ${data.length} elements, shape ${shapeStr(shape)} needs ${n}`);
    }
    this.dtype = dtype;
    this.shape = Object.freeze(shape.slice());
    this.data = data.length === n ? data : (sliceStorage(data, n) as StorageOf[D]);
  }

  get size(): number { return this.data.length; }
  get rank(): number { return this.shape.length; }
  get bytes(): number { return this.dtype === 'string' ? 0 : (this.data as Uint8Array).byteLength; }

  /** A tensor of the same data with another shape of equal element count (no copy). */
  reshape(shape: Shape): Tensor<D> {
    if (numel(shape) !== this.size) throw new ShapeError(`cannot reshape ${shapeStr(this.shape)} to ${shapeStr(shape)}`);
    return new Tensor(this.dtype, shape, this.data);
  }

  /** A deep copy with its own storage. */
  clone(): Tensor<D> {
    const d = this.data as unknown as { slice(): StorageOf[D] };
    return new Tensor(this.dtype, this.shape, d.slice());
  }

  /** Element i as a JS number (int64 converted; exact only below 2^53). */
  get(i: number): number {
    const v = (this.data as ArrayLike<number | bigint>)[i];
    return typeof v === 'bigint' ? Number(v) : (v as number);
  }

  /** The single element of a 0-d or 1-element tensor. */
  item(): number {
    if (this.size !== 1) throw new ShapeError(`expected a single element, got shape ${shapeStr(this.shape)}`);
    return this.get(0);
  }

  /** All elements as numbers (int64 converted). */
  toNumbers(): number[] {
    if (this.dtype === 'string') throw new InputError('string tensor has no numeric values');
    const out = new Array<number>(this.size);
    for (let i = 0; i < out.length; i++) out[i] = this.get(i);
    return out;
  }

  static scalar(value: number, dtype: NumericDType = 'float32'): Tensor {
    return Tensor.from(dtype, [], [value]);
  }

  /** A tensor filled from plain values; int64 accepts numbers or bigints. */
  static from<D extends NumericDType>(dtype: D, shape: Shape, values: ArrayLike<number | bigint>): Tensor<D> {
    const t = new Tensor(dtype, shape);
    if (values.length !== t.size) throw new ShapeError(`${values.length} values given for shape ${shapeStr(shape)}`);
    const d = t.data as unknown as { [i: number]: number | bigint };
    if (dtype === 'int64') for (let i = 0; i < values.length; i++) d[i] = BigInt(values[i]!);
    else for (let i = 0; i < values.length; i++) d[i] = Number(values[i]!);
    return t;
  }

  toString(): string { return `Tensor<${this.dtype}>${shapeStr(this.shape)}`; }
}

function sliceStorage(data: StorageOf[DType], n: number): StorageOf[DType] {
  if (Array.isArray(data)) return data.slice(0, n);
  return (data as Uint8Array).subarray(0, n);
}

/** Dims, dtype and (when known before running) the values of a blob, as the planner sees it. */
export interface ValueInfo {
  dtype: DType;
  /** -1 marks a dim known only at run time. */
  shape: number[];
  /** The tensor itself, when its value is known: weights at plan time, every input at run time. */
  value?: Tensor;
}

export function infoOf(t: Tensor): ValueInfo {
  return { dtype: t.dtype, shape: t.shape.slice(), value: t };
}
