// Packed weights shared by every plan of a model. A model is planned once per input signature
// (each new image size), but its weights are the same tensors: packing them again per plan would
// hold one more copy of every filter per size seen. Keyed weakly by the weight tensor, so the
// packed copies go when the model does; copies in the engine's memory are freed then too.

import type { Tensor } from '../core/tensor.js';
import type { Arena } from '../../kernels/wasm/arena.js';

const cache = new WeakMap<Tensor, Map<string, Float32Array>>();

/** The packed form of `w` under `layout` (op kind, group, ...), made by `pack` on first use. */
export function packOnce(w: Tensor, layout: string, size: number, pack: (dst: Float32Array) => void): Float32Array {
  let m = cache.get(w);
  if (!m) cache.set(w, (m = new Map()));
  let p = m.get(layout);
  if (!p || p.length !== size) {
    p = new Float32Array(size);
    pack(p);
    m.set(layout, p);
  }
  return p;
}

interface Region { arena: Arena; ptr: number; bytes: number }

const heapCache = new WeakMap<Tensor, Map<string, Region>>();
const heapFree = new FinalizationRegistry<Region>((r) => r.arena.free(r.ptr, r.bytes));

/**
 * Like packOnce, into the engine's memory: `pack(dst, dOff)` fills `floats` floats at dst[dOff]
 * (dst is the whole memory). Returns the byte offset; the region is freed when `w` is collected.
 */
export function packOnceIn(arena: Arena, w: Tensor, layout: string, floats: number, pack: (dst: Float32Array, dOff: number) => void): number {
  let m = heapCache.get(w);
  if (!m) heapCache.set(w, (m = new Map()));
  let r = m.get(layout);
  if (!r || r.bytes !== floats * 4 || r.arena !== arena) {
    if (r) { heapFree.unregister(r); r.arena.free(r.ptr, r.bytes); }
    const bytes = floats * 4;
    r = { arena, ptr: arena.alloc(bytes), bytes };
    pack(arena.f32(), r.ptr / 4);
    m.set(layout, r);
    heapFree.register(w, r, r);
  }
  return r.ptr;
}

/** A float32 weight (a bias) copied into the engine's memory once; its byte offset. */
export function copyIn(arena: Arena, w: Tensor): number {
  const d = w.data as Float32Array;
  return packOnceIn(arena, w, 'raw', d.length, (dst, off) => dst.set(d, off));
}
