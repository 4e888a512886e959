// Packed weights shared by every plan of a model. A model is planned once per input signature
// (each new image size), but its weights are the same tensors: packing them again per plan would
// hold one more copy of every filter per size seen. Keyed weakly by the weight tensor, so the
// packed copies go when the model does.

import type { Tensor } from '../core/tensor.js';

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
