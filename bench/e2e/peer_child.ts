// One measurement of a peer runtime in a fresh process (see common.ts): onnxruntime-web (WASM,
// its SIMD build; env.wasm.numThreads) or onnxruntime-node (CPU; intraOpNumThreads) from
// bench/node_modules, on the cut backbone model: session creation, one cold run (peak RSS), then
// the timed runs. The model is passed by path, as a Node user would (each peer reads the file itself).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { readNpyFile } from '../../src/node/files.js';
import { answer, maxRss, osThreads, sampleOf, timed, type PeerSpec, type Result, type RunTime, type Sample } from './common.js';

interface OrtTensor { data: Float32Array; dims: readonly number[] }
interface OrtSession { run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>; release(): Promise<void> }
interface Ort {
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
  InferenceSession: { create(model: Uint8Array | string, opts: Record<string, unknown>): Promise<OrtSession> };
  env: { wasm: { numThreads?: number; simd?: boolean | string }; versions?: Record<string, string> };
}

async function main(spec: PeerSpec): Promise<void> {
  const pkg = spec.kind === 'ort-web' ? 'onnxruntime-web' : 'onnxruntime-node';
  const req = createRequire(join(process.cwd(), 'bench/package.json'));
  let ort: Ort;
  try { ort = req(pkg) as Ort; } catch {
    answer({ skipped: `${pkg} is not installed under bench/ (npm --prefix bench install)` });
    return;
  }
  const version = (JSON.parse(readFileSync(join(process.cwd(), 'bench', 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  let opts: Record<string, unknown>;
  if (spec.kind === 'ort-web') {
    ort.env.wasm.numThreads = spec.threads;
    opts = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };
  } else {
    opts = { executionProviders: ['cpu'], intraOpNumThreads: spec.threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' };
  }
  const x = readNpyFile(spec.data);
  const input = new ort.Tensor('float32', x.data as Float32Array, x.shape);
  const [session, load] = await timed(() => ort.InferenceSession.create(spec.model, opts));
  const rssAfterLoad = maxRss();
  const once = (): Promise<Record<string, OrtTensor>> => session.run({ [spec.input]: input });
  const [first, cold] = await timed(once);
  const rssPeak = maxRss(), ruMaxRss = process.resourceUsage().maxRSS * 1024;
  const runs: RunTime[] = [];
  for (let r = 0; r < spec.runs; r++) runs.push((await timed(once))[1]);
  const th = osThreads();
  const result: Result = { load, cold, runs, rssAfterLoad, rssPeak, ruMaxRss, ...(th !== undefined ? { osThreads: th } : {}), version: `${pkg} ${version}`, options: spec.kind === 'ort-web' ? `wasm simd, numThreads ${spec.threads}` : `cpu, intraOpNumThreads ${spec.threads}` };
  if (spec.sample) {
    const samples: Record<string, Sample> = {};
    for (const name of spec.sample) { const t = first[name]; if (t) samples[name] = sampleOf(t.data, t.dims); }
    result.samples = samples;
  }
  await session.release();
  answer({ result });
}

main(JSON.parse(process.argv[2]!) as PeerSpec).catch((e: Error) => answer({ error: `${e.name}: ${e.message.split('\n')[0]}` }));
