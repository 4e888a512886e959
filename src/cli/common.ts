// Helpers shared by the CLI commands: model loading with a progress bar, number formatting.

import { loadModel } from '../node/files.js';
import type { Caffe2Model, LoadOptions } from '../caffe2/model.js';
import { InputError } from '../core/errors.js';
import { defaultThreads, enableRelaxedSimd } from '../node/threads.js';
import type { FlagSpec, Parsed } from './args.js';
import { Progress } from './progress.js';

/** The engine flags of the commands that run models: --threads N (default: every core), --no-simd, --no-fma. */
export const ENGINE_FLAGS: Record<string, FlagSpec> = { threads: {}, 'no-simd': { bool: true }, 'no-fma': { bool: true } };

/**
 * Load options from the engine flags. Unless --no-fma, turns on relaxed SIMD first (a V8 flag of
 * this process, before the first model loads) so the GEMM uses fused multiply-add (~17% faster here).
 */
export function engineOptions(a: Parsed): Pick<LoadOptions, 'threads' | 'simd'> {
  const t = a.num('threads');
  if (t !== undefined && (!Number.isInteger(t) || t < 0)) throw new InputError(`--threads expects a non-negative integer, got '${a.str('threads')}'`);
  if (!a.bool('no-fma') && !a.bool('no-simd')) enableRelaxedSimd();
  return { threads: t ?? defaultThreads(), ...(a.bool('no-simd') ? { simd: false } : {}) };
}

/** "WASM SIMD (FMA) kernels, 2 threads" / "plain TypeScript kernels, 1 thread": what a loaded model runs on. */
export function engineLabel(m: Caffe2Model): string {
  const t = m.exec?.threads ?? 1;
  return `${m.exec?.simd ? `WASM SIMD${m.exec.engine.fma ? ' (FMA)' : ''}` : 'plain TypeScript'} kernels, ${t} thread${t === 1 ? '' : 's'}`;
}

export function loadWithProgress(path: string, init?: string, engine: Pick<LoadOptions, 'threads' | 'simd'> = {}): Caffe2Model {
  const bar = new Progress('loading');
  try {
    return loadModel(path, {
      ...engine,
      ...(init ? { init } : {}),
      onProgress: (d, t, phase) => bar.update(d, t, phase === 'decode' ? 'reading weights' : 'running init net'),
    });
  } finally {
    bar.done();
  }
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n / 1024, u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

export function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}

/** Parses `name=1,3,800,1216` into [name, dims]. */
export function parseShapeFlag(s: string): [string, number[]] {
  const eq = s.indexOf('=');
  if (eq <= 0) throw new Error(`expected name=d0,d1,..., got '${s}'`);
  const dims = s.slice(eq + 1).split(/[,x]/).filter((x) => x.length).map(Number);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new Error(`bad dims in '${s}'`);
  return [s.slice(0, eq), dims];
}
