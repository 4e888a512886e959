// The kernel variants every dense-kernel test runs: the plain TypeScript kernels, the generated
// WASM SIMD kernels, and both on two threads (a worker of the shared engine plus this thread).
// Kernel-level tests copy operands into the engine's memory and call the engine entry points;
// model-level tests pass the variant's load options. CAFFE2_TS_KERNELS=plain|simd|simd-threads|
// plain-threads picks the variant for whole-model tests (golden, detectron2 predict).
import { Exec, getEngine } from '../../kernels/engine.js';
import type { LoadOptions } from '../../src/caffe2/model.js';
import { enableRelaxedSimd, nodeWorkerSpawner } from '../../src/node/threads.js';

// CAFFE2_TS_FMA=1: the SIMD kernels use relaxed-SIMD fused multiply-add (set before the engine starts)
if (process.env['CAFFE2_TS_FMA'] === '1' && !enableRelaxedSimd()) throw new Error('CAFFE2_TS_FMA=1 but relaxed SIMD could not be enabled');

export interface Variant {
  readonly name: string;
  /** The engine to run on (null: the plain kernels on plain arrays). */
  readonly exec: Exec | null;
  /** The same as model load options. */
  readonly opts: Partial<LoadOptions>;
}

let variants: Variant[] | undefined;

/** plain, simd, simd-threads, plain-threads (threaded ones split even small problems). */
export function kernelVariants(): Variant[] {
  if (!variants) {
    const engine = getEngine();
    engine.attachWorkers(1, nodeWorkerSpawner);
    const ex = (simd: boolean, threads: number): Exec => {
      const e = new Exec(engine, simd, threads);
      e.grain = 8;
      return e;
    };
    variants = [
      { name: 'plain', exec: null, opts: { simd: false } },
      { name: 'simd', exec: ex(true, 1), opts: { simd: true } },
      { name: 'simd-threads', exec: ex(true, 2), opts: { simd: true, threads: 2, spawnWorker: nodeWorkerSpawner } },
      { name: 'plain-threads', exec: ex(false, 2), opts: { simd: false, threads: 2, spawnWorker: nodeWorkerSpawner } },
    ];
  }
  return variants;
}

/** Load options of the variant named by CAFFE2_TS_KERNELS (default: the library default, SIMD on one thread). */
export function envLoadOptions(): Partial<LoadOptions> {
  const name = process.env['CAFFE2_TS_KERNELS'];
  if (!name) return {};
  const v = kernelVariants().find((x) => x.name === name);
  if (!v) throw new Error(`CAFFE2_TS_KERNELS=${name}: expected one of ${kernelVariants().map((x) => x.name).join(', ')}`);
  return v.opts;
}

/** Copies `data` into a fresh region of the engine's memory; returns its byte offset. */
export function toHeap(data: Float32Array): number {
  const a = getEngine().arena, p = a.alloc(Math.max(4, data.byteLength));
  a.f32().set(data, p / 4);
  return p;
}

/** A copy of `n` floats at byte offset `p` of the engine's memory. */
export function fromHeap(p: number, n: number): Float32Array {
  return getEngine().arena.f32().slice(p / 4, p / 4 + n);
}

/** Frees regions made by toHeap / heapRegion. */
export function freeHeap(...regions: [number, number][]): void {
  const a = getEngine().arena;
  for (const [p, floats] of regions) a.free(p, Math.max(4, floats * 4));
}
