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

/**
 * Where a pool may carve its buffers from instead: one big memory (the engine's WebAssembly
 * memory), so kernels and worker threads address every tensor by offset. kernels/wasm/arena.ts.
 */
export interface BlockHeap {
  alloc(bytes: number): number;
  free(ptr: number, bytes: number): void;
  /** Byte offset of a view inside the heap's memory, else -1. */
  ptrOf(v: ArrayBufferView): number;
  /** The heap's memory as it is now (for new views; a shared memory's old views stay valid). */
  f32(): Float32Array;
}

const ALIGN = 64;

/** One buffer of the pool: a whole ArrayBuffer, or a region of the heap. */
interface Block { readonly buffer: ArrayBufferLike; readonly byteOffset: number; readonly byteLength: number }

export class BufferPool {
  /** Free blocks sorted by byte length. */
  private free: Block[] = [];
  /** Blocks this pool made and may recycle, with their live reference counts. */
  private readonly refs = new Map<Block, number>();
  /** Live and free blocks by ArrayBuffer (own buffers) or by heap offset (heap regions). */
  private readonly byBuffer = new Map<ArrayBufferLike, Block>();
  private readonly byOffset = new Map<number, Block>();
  private live = 0;
  /** Largest total of live pool bytes seen since the last reset. */
  peak = 0;
  /** Bytes held by the pool (free + live). */
  held = 0;
  /** When set, new outputs are filled with NaN / 0xAA so a kernel that skips elements shows. */
  poison = false;
  /** Largest tensor this pool hands out. */
  maxBytes = DEFAULT_MAX_TENSOR_BYTES;

  /** Buffers come from `heap` when given (tensors then live in its memory), else from `factory`. */
  constructor(private readonly factory: BufferFactory = (n) => new ArrayBuffer(n), readonly heap: BlockHeap | null = null) {}

  /** A tensor over a pooled buffer (contents undefined unless poisoned). */
  tensor<D extends DType>(dtype: D, shape: readonly number[]): Tensor<D> {
    checkTensorBytes(dtype, shape, this.maxBytes, 'output');
    if (dtype === 'string') return new Tensor(dtype, shape);
    const n = numel(shape);
    const bytes = n * bytesPerElement(dtype);
    const b = this.take(bytes);
    const t = new Tensor(dtype, shape, viewStorage(dtype as NumericDType, b.buffer, b.byteOffset, n) as Tensor<D>['data']);
    if (this.poison) {
      if (dtype === 'float32' || dtype === 'float64') (t.data as Float32Array).fill(NaN);
      else if (dtype === 'int64') (t.data as BigInt64Array).fill(-0x5555555555555556n);
      else (t.data as Uint8Array).fill(0xaa);
    }
    return t;
  }

  private take(bytes: number): Block {
    const need = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    const f = this.free;
    // best fit, but never waste more than half of a buffer on a small request
    let lo = 0, hi = f.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (f[mid]!.byteLength < need) lo = mid + 1; else hi = mid; }
    let b: Block;
    if (lo < f.length && f[lo]!.byteLength <= need * 2) {
      b = f[lo]!;
      f.splice(lo, 1);
    } else {
      if (this.heap) {
        const ptr = this.heap.alloc(need);
        b = { buffer: this.heap.f32().buffer, byteOffset: ptr, byteLength: need };
        this.byOffset.set(ptr, b);
      } else {
        const buf = this.factory(need);
        b = { buffer: buf, byteOffset: 0, byteLength: need };
        this.byBuffer.set(buf, b);
      }
      this.held += need;
    }
    this.refs.set(b, 0);
    this.live += b.byteLength;
    if (this.live > this.peak) this.peak = this.live;
    return b;
  }

  private blockOf(t: Tensor): Block | undefined {
    if (t.dtype === 'string') return undefined;
    const d = t.data as Uint8Array;
    if (this.heap) {
      const p = this.heap.ptrOf(d);
      if (p >= 0) return this.byOffset.get(p);
    }
    return this.byBuffer.get(d.buffer);
  }

  /** Notes one more blob referencing this tensor's buffer (no-op for buffers we don't own). */
  retain(t: Tensor): void {
    const b = this.blockOf(t);
    const r = b && this.refs.get(b);
    if (r !== undefined) this.refs.set(b!, r + 1);
  }

  /** Drops one reference; the buffer returns to the pool at zero. */
  release(t: Tensor): void {
    const b = this.blockOf(t);
    if (!b) return;
    const r = this.refs.get(b);
    if (r === undefined) return;
    if (r > 1) { this.refs.set(b, r - 1); return; }
    this.refs.delete(b);
    this.live -= b.byteLength;
    this.insertFree(b);
  }

  /**
   * Gives a live buffer away (a returned output): the pool forgets it and will not reuse it.
   * A tensor in the heap is copied out instead and its region goes back to the pool: the
   * caller's tensor must not pin the heap. Returns the tensor the caller gets.
   */
  disown(t: Tensor): Tensor {
    const b = this.blockOf(t);
    if (!b) return t;
    if (this.heap && this.byOffset.get(b.byteOffset) === b) {
      if (this.refs.has(b)) {
        this.refs.delete(b);
        this.live -= b.byteLength;
        this.insertFree(b);
      }
      return t.clone();
    }
    if (!this.refs.has(b)) return t;
    this.refs.delete(b);
    this.byBuffer.delete(b.buffer);
    this.live -= b.byteLength;
    this.held -= b.byteLength;
    return t;
  }

  /** True when the tensor's buffer is a pool buffer referenced exactly once. */
  soleOwner(t: Tensor): boolean {
    const b = this.blockOf(t);
    return b !== undefined && this.refs.get(b) === 1;
  }

  owns(t: Tensor): boolean {
    const b = this.blockOf(t);
    return b !== undefined && this.refs.has(b);
  }

  private insertFree(b: Block): void {
    const f = this.free;
    let lo = 0, hi = f.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (f[mid]!.byteLength < b.byteLength) lo = mid + 1; else hi = mid; }
    f.splice(lo, 0, b);
  }

  /** Drops every free buffer (live ones stay), e.g. after an unusually large input. */
  trim(): void {
    for (const b of this.free) {
      this.held -= b.byteLength;
      if (this.heap && this.byOffset.get(b.byteOffset) === b) {
        this.byOffset.delete(b.byteOffset);
        this.heap.free(b.byteOffset, b.byteLength);
      } else this.byBuffer.delete(b.buffer);
    }
    this.free = [];
  }

  /** Returns every heap region, live or free, to the heap (the model is going away). */
  releaseHeap(): void {
    if (!this.heap) return;
    for (const b of this.byOffset.values()) this.heap.free(b.byteOffset, b.byteLength);
    for (const b of this.byOffset.values()) { this.refs.delete(b); this.held -= b.byteLength; }
    this.byOffset.clear();
    this.free = this.free.filter((b) => this.byBuffer.get(b.buffer) === b);
  }

  resetPeak(): void { this.peak = this.live; }
}
