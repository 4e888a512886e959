// One measurement of our runtime in a fresh process (see common.ts): load the converted model,
// one cold run (its peak RSS is the figure reported), then the timed runs; per-op events of every
// run give the FLOP count and, for the best run, `caffe2-ts run --profile`'s table.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Caffe2Model, type LoadOptions } from '../../src/caffe2/model.js';
import type { OpEvent, RunOptions } from '../../src/caffe2/runner.js';
import { profileTable } from '../../src/cli/run.js';
import type { Tensor } from '../../src/core/tensor.js';
import { Detectron2Predictor } from '../../src/detectron2/api.js';
import { decodeImage } from '../../src/detectron2/decode.js';
import { readNetDef, readNpyFile } from '../../src/node/files.js';
import { enableRelaxedSimd, nodeWorkerSpawner } from '../../src/node/threads.js';
import { defaultRegistry } from '../../src/ops/index.js';
import type { NetDef } from '../../src/proto/caffe2.js';
import { answer, maxRss, osThreads, sampleOf, timed, type OursSpec, type Result, type RunTime, type Sample, type Variant } from './common.js';

/** Load options for a variant: the kernel engine's `simd` and `threads`, with Node's workers. */
export function runtimeOptions(v: Variant): Partial<LoadOptions> {
  return { simd: v.simd, threads: v.threads, ...(v.threads > 1 ? { spawnWorker: nodeWorkerSpawner } : {}) };
}

/** What the loaded model really runs on (model.exec), or why it cannot run the variant. */
function checkVariant(model: Caffe2Model, v: Variant): { note: string } | { skip: string } {
  const simd = model.exec?.simd ?? false, threads = model.exec?.threads ?? 1, fma = simd && !!model.exec?.engine.fma;
  if (simd !== v.simd) return { skip: v.simd ? 'no WebAssembly SIMD here' : 'SIMD cannot be switched off' };
  if (fma !== !!v.fma) return { skip: v.fma ? 'no relaxed SIMD here' : 'FMA is on' };
  if (threads !== v.threads) return { skip: `asked for ${v.threads} threads, the engine has ${threads}` };
  return { note: `${simd ? `WASM SIMD${fma ? ' (FMA)' : ''}` : 'plain TS'} kernels, ${threads} thread${threads > 1 ? 's' : ''}` };
}

/** Multiply-adds x2 of the dense ops in one run, from the op events' shapes (fused ops, e.g. 'Conv+Relu', count as their first op). */
export function denseFlops(events: readonly OpEvent[]): number {
  let f = 0;
  for (const e of events) {
    const w = e.inputs[1]?.shape, out = e.outputs[0], type = e.opType.split('+')[0];
    if (!w || !out) continue;
    if (type === 'Conv' && w.length === 4) f += 2 * out.size * w[1]! * w[2]! * w[3]!;
    else if (type === 'ConvTranspose' && w.length === 4) f += 2 * e.inputs[0]!.size * w[1]! * w[2]! * w[3]!;
    else if ((type === 'FC' || type === 'FCTransposed') && w.length === 2) f += 2 * out.size * (type === 'FC' ? w[1]! : w[0]!);
  }
  return f;
}

function setScoreThresh(net: NetDef, v: number): number {
  let n = 0;
  for (const op of net.op) {
    if (op.type !== 'BoxWithNMSLimit') continue;
    const a = op.arg.find((x) => x.name === 'score_thresh');
    if (!a) throw new Error('BoxWithNMSLimit has no score_thresh arg');
    a.f = v;
    n++;
  }
  if (!n) throw new Error('the net has no BoxWithNMSLimit');
  return n;
}

function scoreThreshOf(net: NetDef): number | undefined {
  return net.op.find((o) => o.type === 'BoxWithNMSLimit')?.arg.find((x) => x.name === 'score_thresh')?.f;
}

/**
 * The converted full net stopped after the RPN head: its ops up to the last one writing an
 * `outputs` blob (the RPN head's logits and deltas, the FPN features), those blobs its outputs.
 * A net of its own rather than run's stopAfter, so it is planned as any net is (buffer reuse,
 * fused epilogues), as the peers' cut graph is.
 */
function truncate(net: NetDef, outputs: readonly string[]): void {
  const want = new Set(outputs);
  let last = -1;
  net.op.forEach((o, i) => { if (o.output.some((b) => want.has(b))) last = i; });
  const produced = new Set(net.op.slice(0, last + 1).flatMap((o) => o.output));
  const missing = outputs.filter((b) => !produced.has(b));
  if (last < 0 || missing.length) throw new Error(`the net does not produce ${missing.join(', ') || 'the backbone outputs'}`);
  net.op = net.op.slice(0, last + 1);
  net.external_output = outputs.slice();
}

function gitCommit(): string | undefined {
  // scripts/bench-commit.mjs runs an exported commit (no .git of its own): it names the commit
  if (process.env['CAFFE2_TS_COMMIT']) return process.env['CAFFE2_TS_COMMIT'];
  try { return execFileSync('git', ['describe', '--always', '--dirty'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { return undefined; }
}

async function main(spec: OursSpec): Promise<void> {
  const loadOpts = runtimeOptions(spec.variant);
  if (spec.variant.fma) enableRelaxedSimd(); // as the CLI does unless --no-fma
  const [model, load] = await timed(() => {
    const predict = readNetDef(join(spec.modelDir, 'model.pb'));
    const init = readNetDef(join(spec.modelDir, 'model_init.pb'));
    if (spec.scoreThresh !== undefined) setScoreThresh(predict, spec.scoreThresh);
    if (spec.mode === 'backbone') truncate(predict, spec.outputs ?? []);
    return new Caffe2Model(predict, init, { registry: defaultRegistry, predictFile: 'model.pb', initFile: 'model_init.pb', ...loadOpts });
  });
  const rssAfterLoad = maxRss();
  const check = checkVariant(model, spec.variant);
  if ('skip' in check) { answer({ skipped: check.skip }); return; }
  let events: OpEvent[] = [];
  const run: RunOptions = { onOp: (e) => { events.push(e); } };
  const result: Partial<Result> = { load, rssAfterLoad, options: check.note, weightBytes: model.weightStats().bytes, scoreThresh: scoreThreshOf(model.predictNet) };
  const v = gitCommit();
  if (v) result.version = v;

  let once: () => Promise<{ outputs: Map<string, Tensor>; split?: { pre: number; net: number; post: number } }>;
  if (spec.mode === 'full') {
    const predictor = new Detectron2Predictor(model, { run });
    const img = decodeImage(new Uint8Array(readFileSync(spec.image!)), spec.image);
    once = async () => { const p = predictor.predict(img); return { outputs: p.outputs, split: p.ms }; };
  } else {
    const feeds = new Map([['data', readNpyFile(spec.data!)], ['im_info', readNpyFile(spec.imInfo!)]]);
    once = async () => ({ outputs: model.run(feeds, run) });
  }

  const [first, cold] = await timed(once);
  result.cold = cold;
  result.rssPeak = maxRss();
  result.ruMaxRss = process.resourceUsage().maxRSS * 1024;
  result.flops = denseFlops(events);
  const runs: RunTime[] = [];
  let best = { t: Infinity, events, out: first };
  for (let r = 0; r < spec.runs; r++) {
    events = [];
    const [out, t] = await timed(once);
    runs.push(t);
    if (t.wallMs < best.t) best = { t: t.wallMs, events, out };
  }
  result.runs = runs;
  const th = osThreads();
  if (th !== undefined) result.osThreads = th;
  const ran = runs.length ? best : { t: cold.wallMs, events, out: first };
  if (ran.out.split) result.split = ran.out.split;
  result.profile = profileTable(ran.events, ran.out.split ? ran.out.split.net : ran.t, 12);
  if (spec.mode === 'full') {
    const scores = ran.out.outputs.get('score_nms');
    result.detections = scores ? scores.shape[0] : -1;
  }
  if (spec.sample) {
    const samples: Record<string, Sample> = {};
    for (const name of spec.sample) {
      const t = ran.out.outputs.get(name);
      if (t && t.data instanceof Float32Array) samples[name] = sampleOf(t.data, t.shape);
    }
    result.samples = samples;
  }
  answer({ result: result as Result });
}

main(JSON.parse(process.argv[2]!) as OursSpec).catch((e: Error) => answer({ error: `${e.name}: ${e.message}` }));
