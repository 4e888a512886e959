// Buffer pool for intermediate blobs. A run takes buffers best-fit from the pool and gives them
// back at each blob's last use; the pool persists across runs, so a steady stream of same-sized
// inputs allocates nothing after the first run. Buffers are reference-counted because views
// (Reshape, Alias, in-place ops) share them.

import { bytesPerElement, viewStorage, type DType, type NumericDType } from '../core/dtype.js';
import { ShapeError, shapeStr } from '../core/errors.js';
import { Tensor } from '../core/tensor.js';
import { numel } from '../core/shape.js';

/** Default largest tensor, in bytes: a hostile shape fails with a ShapeError, not an OOM. */
export const DEFAULT_MAX_TENSOR_BYTES = 2 ** 32;

/** Throws when a tensor of `dtype` and `shape` would exceed `limit` bytes (strings count 8 a slot). */
export function checkTensorBytes(dtype: DType, shape: readonly number[], limit: number, what = 'tensor'): void {
  const bytes = numel(shape) * (dtype === 'string' ? 8 : bytesPerElement(dtype));
  if (!(bytes <= limit)) throw new ShapeError(`${what} ${dtype}${shapeStr(shape)} would need ${bytes} bytes, over the limit of ${limit} (maxTensorBytes)`);
}

export type BufferFactory = (bytes: number) => ArrayBufferLike;

const ALIGN = 64;

export class BufferPool {
  /** Free buffers sorted by byte length. */
  private free: ArrayBufferLike[] = [];
  /** Buffers this pool made and may recycle, with their live reference counts. */
  private readonly refs = new Map<ArrayBufferLike, number>();
  private live = 0;
  /** Largest total of live pool bytes seen since the last reset. */
  peak = 0;
  /** Bytes held by the pool (free + live). */
  held = 0;
  /** When set, new outputs are filled with NaN / 0xAA so a kernel that skips elements shows. */
  poison = false;
  /** Largest tensor this pool hands out. */
  maxBytes = DEFAULT_MAX_TENSOR_BYTES;

  constructor(private readonly factory: BufferFactory = (n) => new ArrayBuffer(n)) {}

  /** A tensor over a pooled buffer (contents undefined unless poisoned). */
  tensor<D extends DType>(dtype: D, shape: readonly number[]): Tensor<D> {
    checkTensorBytes(dtype, shape, this.maxBytes, 'output');
    if (dtype === 'string') return new Tensor(dtype, shape);
    const n = numel(shape);
    const bytes = n * bytesPerElement(dtype);
    const buf = this.take(bytes);
    const t = new Tensor(dtype, shape, viewStorage(dtype as NumericDType, buf, 0, n) as Tensor<D>['data']);
    if (this.poison) {
      if (dtype === 'float32' || dtype === 'float64') (t.data as Float32Array).fill(NaN);
      else if (dtype === 'int64') (t.data as BigInt64Array).fill(-0x5555555555555556n);
      else (t.data as Uint8Array).fill(0xaa);
    }
    return t;
  }

  private take(bytes: number): ArrayBufferLike {
    const need = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    const f = this.free;
    // best fit, but never waste more than half of a buffer on a small request
    let lo = 0, hi = f.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (f[mid]!.byteLength < need) lo = mid + 1; else hi = mid; }
    let buf: ArrayBufferLike;
    if (lo < f.length && f[lo]!.byteLength <= need * 2) {
      buf = f[lo]!;
      f.splice(lo, 1);
    } else {
      buf = this.factory(need);
      this.held += need;
    }
    this.refs.set(buf, 0);
    this.live += buf.byteLength;
    if (this.live > this.peak) this.peak = this.live;
    return buf;
  }

  /** Notes one more blob referencing this tensor's buffer (no-op for buffers we don't own). */
  retain(t: Tensor): void {
    const b = bufferOf(t);
    const r = b && this.refs.get(b);
    if (r !== undefined) this.refs.set(b!, r + 1);
  }

  /** Drops one reference; the buffer returns to the pool at zero. */
  release(t: Tensor): void {
    const b = bufferOf(t);
    if (!b) return;
    const r = this.refs.get(b);
    if (r === undefined) return;
    if (r > 1) { this.refs.set(b, r - 1); return; }
    this.refs.delete(b);
    this.live -= b.byteLength;
    this.insertFree(b);
  }

  /** Gives a live buffer away (a returned output): the pool forgets it and will not reuse it. */
  disown(t: Tensor): void {
    const b = bufferOf(t);
    if (!b || !this.refs.has(b)) return;
    this.refs.delete(b);
    this.live -= b.byteLength;
    this.held -= b.byteLength;
  }

  /** True when the tensor's buffer is a pool buffer referenced exactly once. */
  soleOwner(t: Tensor): boolean {
    const b = bufferOf(t);
    return b !== undefined && this.refs.get(b) === 1;
  }

  owns(t: Tensor): boolean {
    const b = bufferOf(t);
    return b !== undefined && this.refs.has(b);
  }

  private insertFree(b: ArrayBufferLike): void {
    const f = this.free;
    let lo = 0, hi = f.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (f[mid]!.byteLength < b.byteLength) lo = mid + 1; else hi = mid; }
    f.splice(lo, 0, b);
  }

  /** Drops every free buffer (live ones stay), e.g. after an unusually large input. */
  trim(): void {
    for (const b of this.free) this.held -= b.byteLength;
    this.free = [];
  }

  resetPeak(): void { this.peak = this.live; }
}

function bufferOf(t: Tensor): ArrayBufferLike | undefined {
  return t.dtype === 'string' ? undefined : (t.data as Uint8Array).buffer;
}
