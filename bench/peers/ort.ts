// onnxruntime-node and onnxruntime-web (WASM), at a given thread count, loaded from bench/node_modules
// (benchmark-only devDependencies: `npm --prefix bench install`). Each peer runs in its own child
// process (ort_child.ts): both packages register their backends in the one shared
// onnxruntime-common registry, so in a single process 'cpu' sessions of onnxruntime-node silently
// run on onnxruntime-web's WASM backend. Absent peers are reported and skipped; BENCH_PEERS=none skips them all.

import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface TimeRequest { model: Uint8Array; input: string; dims: readonly number[]; budgetMs: number; min: number; max: number }

export interface Peer {
  readonly name: string;
  /** Best CPU time in ms of one run of the model on seeded input (the child's own clock). */
  time(req: TimeRequest): Promise<number>;
  close(): void;
}

const PACKAGES = { web: ['onnxruntime-web', 'ort-web'], node: ['onnxruntime-node', 'ort-node'] } as const;

function peer(kind: keyof typeof PACKAGES, threads: number): Peer {
  const child: ChildProcess = fork(fileURLToPath(new URL('./ort_child.js', import.meta.url)), [kind, String(threads)], { serialization: 'advanced', stdio: 'inherit' });
  let pending: { resolve: (ms: number) => void; reject: (e: Error) => void } | undefined;
  child.on('message', (m: { ms?: number; error?: string }) => {
    const p = pending;
    pending = undefined;
    if (m.error !== undefined) p?.reject(new Error(m.error)); else p?.resolve(m.ms!);
  });
  child.on('exit', (code) => pending?.reject(new Error(`${PACKAGES[kind][0]} child exited with ${code}`)));
  return {
    name: `${PACKAGES[kind][1]} ${threads}t`,
    time(req) {
      return new Promise((resolve, reject) => { pending = { resolve, reject }; child.send(req); });
    },
    close() { child.kill(); },
  };
}

/**
 * The installed peers, each (runtime, thread count) in its own process. One thread is timed in
 * CPU time, more in wall time (as our threaded variants).
 */
export function loadPeers(threads: readonly number[] = [1]): Peer[] {
  const peers: Peer[] = [];
  if (process.env['BENCH_PEERS'] === 'none') return peers;
  for (const kind of ['web', 'node'] as const) {
    if (!existsSync(join(process.cwd(), 'bench/node_modules', PACKAGES[kind][0]))) {
      console.log(`${PACKAGES[kind][0]} is not installed under bench/ (npm --prefix bench install): skipped`);
      continue;
    }
    for (const t of threads) peers.push(peer(kind, t));
  }
  return peers;
}
