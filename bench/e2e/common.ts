// What the end-to-end bench's child processes are asked to do and what they answer, and how they
// are started: one fresh Node process per measurement (so peak RSS is that run's alone, and
// onnxruntime-web and onnxruntime-node never share one onnxruntime-common registry).

import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Our runtime's knobs as the bench names them; mapped to runtime options in ours_child.ts. */
export interface Variant { threads: number; simd: boolean; /** relaxed-SIMD FMA (the CLI's default) */ fma?: boolean }

export interface OursSpec {
  kind: 'ours';
  /** Converted model directory (model.pb + model_init.pb). */
  modelDir: string;
  /** 'full': the image through Detectron2Predictor (pre-processing, net, post-processing);
   *  'backbone': data/im_info through the net cut after the RPN head (its ops up to the last
   *  one writing `outputs`). */
  mode: 'full' | 'backbone';
  /** Backbone mode: the blobs the cut net outputs (the peers' cut graph's outputs). */
  outputs?: string[];
  image?: string;
  data?: string;
  imInfo?: string;
  /** Overrides BoxWithNMSLimit's score_thresh in the loaded net (full mode). */
  scoreThresh?: number;
  variant: Variant;
  /** Timed runs after the first (cold) run. */
  runs: number;
  /** Blobs to sample for the agreement check (backbone mode). */
  sample?: string[];
}

export interface PeerSpec {
  kind: 'ort-web' | 'ort-node';
  model: string;
  input: string;
  data: string;
  threads: number;
  runs: number;
  sample?: string[];
}

export type Spec = OursSpec | PeerSpec;

/** A strided sample of a blob: every `step`-th value, for comparing two runtimes' outputs. */
export interface Sample { shape: number[]; step: number; values: number[] }

export interface RunTime { wallMs: number; cpuMs: number }

export interface Result {
  /** Model load (ours: read + decode + init net; peers: session creation). */
  load: RunTime;
  /** The first run (planning, weight prepacking, first-touch memory). */
  cold: RunTime;
  /** The timed runs after it. */
  runs: RunTime[];
  /** process.resourceUsage().maxRSS after load and after the first run, in bytes. */
  rssAfterLoad: number;
  rssPeak: number;
  /** process.resourceUsage().maxRSS at the end of the first run, in bytes (see maxRss()). */
  ruMaxRss: number;
  /** OS threads of the process after the runs (Node itself has about 7). */
  osThreads?: number;
  /** Bytes of the weights the runtime holds (ours: the workspace after the init net). */
  weightBytes?: number;
  /** Ours, full mode: detections out of BoxWithNMSLimit (= RoIs through the mask head). */
  detections?: number;
  scoreThresh?: number;
  /** Ours: pre-processing / net / post-processing split of the best run (full mode). */
  split?: { pre: number; net: number; post: number };
  /** Ours: multiply-adds x2 of Conv, ConvTranspose and FC ops in one run. */
  flops?: number;
  /** Ours: `caffe2-ts run --profile`'s table for the best run. */
  profile?: string;
  /** Ours: the runtime options the variant mapped to, or why it could not run. */
  options?: string;
  samples?: Record<string, Sample>;
  /** The peer's version, or our git commit. */
  version?: string;
}

export interface ChildAnswer { result?: Result; skipped?: string; error?: string }

/** Runs one spec in a fresh Node process and returns its answer. */
export function runChild(spec: Spec, log: (s: string) => void = () => {}): Promise<ChildAnswer> {
  const file = fileURLToPath(new URL(spec.kind === 'ours' ? './ours_child.js' : './peer_child.js', import.meta.url));
  return new Promise((resolve) => {
    const child = fork(file, [JSON.stringify(spec)], { serialization: 'advanced', stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv: ['--max-old-space-size=8192'] });
    let answer: ChildAnswer | undefined;
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => log(d.toString()));
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); log(d.toString()); });
    child.on('message', (m: ChildAnswer) => { answer = m; });
    child.on('exit', (code, signal) => {
      resolve(answer ?? { error: `child exited with ${signal ?? code}${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}` });
    });
  });
}

export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Times fn (sync or async) in wall and process CPU milliseconds. */
export async function timed<T>(fn: () => T | Promise<T>): Promise<[T, RunTime]> {
  const c0 = cpuMs(), t0 = performance.now();
  const v = await fn();
  return [v, { wallMs: performance.now() - t0, cpuMs: cpuMs() - c0 }];
}

export function sampleOf(data: ArrayLike<number>, shape: readonly number[], n = 4096): Sample {
  const step = Math.max(1, Math.floor(data.length / n));
  const values: number[] = [];
  for (let i = 0; i < data.length; i += step) values.push(data[i]!);
  return { shape: shape.slice(), step, values };
}

/**
 * This process's peak resident set size in bytes: VmHWM from /proc/self/status where there is one.
 * process.resourceUsage().maxRSS is the fallback only: on Linux a child's ru_maxrss starts at its
 * parent's RSS at fork time (the pre-exec image's high-water mark is kept), so a child forked from
 * a 1.5 GB parent reports at least 1.5 GB; VmHWM counts only the child's own memory.
 */
/** OS threads of this process now (Linux), to check that a thread setting took effect. */
export function osThreads(): number | undefined {
  try {
    const m = /Threads:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch { return undefined; }
}

export function maxRss(): number {
  try {
    const m = /VmHWM:\s+(\d+)\s*kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch { /* not Linux */ }
  return process.resourceUsage().maxRSS * 1024;
}

/** Sends the answer to the parent and exits (peers may hold worker threads open). */
export function answer(a: ChildAnswer): void {
  process.send!(a, () => process.exit(0));
}
