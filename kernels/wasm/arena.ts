// One WebAssembly.Memory as a heap for kernels: packed weights, per-thread scratch and (when the
// memory is shared) every intermediate tensor, so WASM kernels and worker threads read and write
// them in place. Regions are 64-byte aligned, first-fit with coalescing, above a bump pointer
// that grows the memory. Long-lived references hold byte offsets: growing a non-shared memory
// detaches its ArrayBuffer (every view goes dead), growing a shared one does not.

const PAGE = 65536;
const ALIGN = 64;

export interface MemoryLike {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}

export class Arena {
  /** Free regions [start, end) sorted by start, never adjacent (coalesced). */
  private readonly freeStart: number[] = [];
  private readonly freeEnd: number[] = [];
  private top: number;
  private view: Float32Array;
  /** Every ArrayBuffer object the memory has had: a view is in the arena iff its buffer is one of them. */
  private readonly buffers = new Set<ArrayBufferLike>();
  /** Bytes handed out and not released. */
  used = 0;

  /** `reserved` bytes at the bottom stay out of the heap (the thread control block lives there). */
  constructor(readonly memory: MemoryLike, readonly shared: boolean, reserved = ALIGN) {
    this.top = Math.ceil(reserved / ALIGN) * ALIGN;
    this.view = new Float32Array(memory.buffer);
    this.buffers.add(memory.buffer);
  }

  get byteLength(): number { return this.memory.buffer.byteLength; }

  /** The whole memory as float32 (a fresh view when the memory has grown; index = byte offset / 4). */
  f32(): Float32Array {
    const b = this.memory.buffer;
    if (this.view.buffer !== b) {
      this.view = new Float32Array(b);
      this.buffers.add(b);
    }
    return this.view;
  }

  /** Byte offset of a view that lies in this memory, else -1. */
  ptrOf(v: ArrayBufferView): number {
    if (!this.buffers.has(v.buffer)) {
      // a shared memory that grew elsewhere hands out new buffer objects: learn the current one
      if (v.buffer !== this.memory.buffer) return -1;
      this.buffers.add(v.buffer);
    }
    return v.byteOffset;
  }

  /** A region of at least `bytes` bytes, 64-byte aligned; grows the memory when needed. */
  alloc(bytes: number): number {
    const need = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    const fs = this.freeStart, fe = this.freeEnd;
    for (let i = 0; i < fs.length; i++) {
      if (fe[i]! - fs[i]! < need) continue;
      const p = fs[i]!;
      if (fe[i]! - p === need) { fs.splice(i, 1); fe.splice(i, 1); } else fs[i] = p + need;
      this.used += need;
      return p;
    }
    const p = this.top;
    const end = p + need;
    if (end > this.byteLength) {
      const pages = Math.ceil((end - this.byteLength) / PAGE);
      try {
        this.memory.grow(pages);
      } catch {
        throw new RangeError(`WebAssembly memory cannot grow to ${end} bytes (${bytes} requested)`);
      }
      this.f32();
    }
    this.top = end;
    this.used += need;
    return p;
  }

  /** Returns a region from alloc (same `bytes`). */
  free(ptr: number, bytes: number): void {
    const need = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    this.used -= need;
    let s = ptr, e = ptr + need;
    const fs = this.freeStart, fe = this.freeEnd;
    let lo = 0, hi = fs.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (fs[m]! < s) lo = m + 1; else hi = m; }
    // merge with the previous and next free regions
    if (lo > 0 && fe[lo - 1] === s) { s = fs[lo - 1]!; lo--; fs.splice(lo, 1); fe.splice(lo, 1); }
    if (lo < fs.length && fs[lo] === e) { e = fe[lo]!; fs.splice(lo, 1); fe.splice(lo, 1); }
    if (e === this.top) { this.top = s; return; }
    fs.splice(lo, 0, s);
    fe.splice(lo, 0, e);
  }

  /** A float32 view of `n` floats at `ptr` (stays valid while the memory does not detach). */
  view32(ptr: number, n: number): Float32Array {
    return new Float32Array(this.f32().buffer, ptr, n);
  }
}

/** A memory for an Arena, with the largest maximum the platform reserves (shared needs one). */
export function createMemory(shared: boolean): WebAssembly.Memory {
  const maxima = [65536, 32768, 16384];
  for (const maximum of maxima) {
    try {
      return new WebAssembly.Memory({ initial: 16, maximum, shared } as WebAssembly.MemoryDescriptor);
    } catch { /* try a smaller reservation */ }
  }
  return new WebAssembly.Memory({ initial: 16, maximum: 8192, shared } as WebAssembly.MemoryDescriptor);
}
