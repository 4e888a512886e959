// Our kernel variants for the dense benches: the plain TypeScript kernels on one thread, and the
// engine (kernels/engine.ts) with SIMD on or off on 1 or N threads (N = the cores here, workers
// from src/node/threads.ts). One thread is timed in CPU time, N threads in wall time.

import { Exec, getEngine } from '../../kernels/engine.js';
import { defaultThreads, enableRelaxedSimd, nodeWorkerSpawner } from '../../src/node/threads.js';

// BENCH_FMA=1: relaxed-SIMD fused multiply-add in the SIMD kernels (before the engine starts)
if (process.env['BENCH_FMA'] === '1' && !enableRelaxedSimd()) console.log('BENCH_FMA=1: relaxed SIMD is not available here');

export interface OurVariant {
  readonly name: string;
  /** null: the plain kernels on plain arrays (the library's simd: false, threads: 1). */
  readonly exec: Exec | null;
  readonly threads: number;
}

/** Which variants: BENCH_VARIANTS=simd,simd-mt,plain,plain-mt (default: all but plain-mt); BENCH_FMA=1 for relaxed-SIMD FMA. */
export function ourVariants(): OurVariant[] {
  const want = (process.env['BENCH_VARIANTS'] ?? 'plain,simd,simd-mt').split(',');
  const n = Math.max(2, defaultThreads());
  const engine = getEngine();
  if (want.some((w) => w.endsWith('-mt'))) engine.attachWorkers(n - 1, nodeWorkerSpawner);
  const all: [string, OurVariant][] = [
    ['plain', { name: 'plain 1t', exec: null, threads: 1 }],
    ['simd', { name: 'simd 1t', exec: new Exec(engine, true, 1), threads: 1 }],
    ['simd-mt', { name: `simd ${n}t`, exec: new Exec(engine, true, n), threads: n }],
    ['plain-mt', { name: `plain ${n}t`, exec: new Exec(engine, false, n), threads: n }],
  ];
  return all.filter(([k]) => want.includes(k)).map(([, v]) => v);
}

/** Copies `data` into the engine's memory (a fresh region); its byte offset. */
export function heapCopy(data: Float32Array): number {
  const a = getEngine().arena, p = a.alloc(Math.max(4, data.byteLength));
  a.f32().set(data, p / 4);
  return p;
}

export function heapAlloc(floats: number): number {
  return getEngine().arena.alloc(Math.max(4, floats * 4));
}

export function closeEngine(): void {
  getEngine().detachWorkers();
}
