// Shared by the dense-kernel benches: seeded data, best-of-N timing through mitata's measure(),
// and a plain table printer. The clock is this process's CPU time (all its threads), not wall
// time: on a machine shared with other jobs, wall time measures the neighbours. Times are the
// minimum over samples; every ratio compares runs made in the same process, shape by shape.

import { measure } from 'mitata';

export function seeded(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed | 0 || 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    out[i] = ((s >>> 0) / 4294967296 - 0.5) * 2 * scale;
  }
  return out;
}

/** Process CPU time in ns (user + system, all threads), for mitata's `now`. */
export function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1e3;
}

/** Wall time in ns, for runs on several threads (their CPU time adds up across threads). */
export function wallNow(): number {
  return performance.now() * 1e6;
}

/**
 * Best time in ms of fn (sync or async), at least `min` samples and about `budgetMs` of runs:
 * CPU time by default, wall time with `wall` (multi-threaded runs).
 */
export async function bestMs(fn: () => unknown, budgetMs = 400, min = 2, max = 30, wall = false): Promise<number> {
  const st = await measure(fn as () => void, { now: wall ? wallNow : cpuNow, min_samples: min, max_samples: max, min_cpu_time: budgetMs * 1e6, warmup_samples: 1 });
  return st.min / 1e6;
}

export const gflops = (flops: number, ms: number): number => flops / ms / 1e6;

export function fmt(v: number | undefined, digits = 2): string {
  return v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits);
}

export function table(head: string[], rows: string[][]): void {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
  console.log(line(head));
  console.log(w.map((n) => '-'.repeat(n)).join('  '));
  for (const r of rows) console.log(line(r));
}

/** Optional shape filter from the command line or BENCH_FILTER. */
export function filterFromArgs(): RegExp {
  const f = process.argv[2] ?? process.env['BENCH_FILTER'];
  return f ? new RegExp(f, 'i') : /.*/;
}
