// End to end (issue 8): the whole Mask R-CNN through our runtime against onnxruntime-web (WASM,
// SIMD build) and onnxruntime-node running the part of the same model they can run
// (normalisation, backbone, FPN and RPN head: the graph cut before the first GenerateProposals),
// on the full-size R50-FPN of ../shared/golden/big at 800x1120 and the golden mask_rcnn_fpn at
// 320x448. Every measurement is a fresh child process (peak RSS of one run; the peers never share
// a process). Prepares weights, conversion and peer models first (cached under .cache/).
//
// usage: npm run bench:e2e -- [--model big,golden] [--threads 1,2] [--ours fma:1,fma:2,simd:2,plain:1]
//          [--runs N] [--score-thresh X] [--peers ort-web,ort-node | --no-peers]
//          [--only whole,backbone] [--quick] [--verbose] [--markdown]
//   --threads         thread counts of the peers (and of ours unless --ours is given)
//   --ours            our variants: fma:N (WebAssembly SIMD kernels with relaxed-SIMD FMA, the
//                     CLI's default, N threads), simd:N (SIMD without FMA: the library's default
//                     in Node), plain:N (plain TypeScript kernels); default: fma at every --threads
//                     count, simd at the largest, plus plain:1 on the golden model (on the big one
//                     plain TS takes minutes a run)
//   --score-thresh X  also runs the whole net with BoxWithNMSLimit's score_thresh lowered to X
//                     (patched in the loaded net), so the mask head sees a full set of detections
//                     (default 0.001: with the big model's random weights, 0.05 leaves about 30 of
//                     100; `off` runs the model's own threshold only)
//   --quick           the golden model only, 1 timed run: a smoke test of the harness
//   --markdown        tables in Markdown (for the README's performance section)
// Seconds are wall time of the best timed run (CPU time next to it); ratios are peer time / our
// time, from this one run (above 1: ours is faster).

import { fork } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fmt, table as plainTable } from '../kernels/bench_util.js';
import { runChild, type ChildAnswer, type Result, type Sample, type Spec, type Variant } from './common.js';
import type { Prepared } from './prepare.js';

interface Row { label: string; part: 'whole' | 'backbone'; runtime: string; threads: number; simd?: boolean; fma?: boolean; lowered?: boolean; spec: Spec; answer?: ChildAnswer }

function opt(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string): boolean => process.argv.includes(`--${name}`);
const list = (name: string, def: string): string[] => (opt(name) ?? def).split(',').map((s) => s.trim()).filter(Boolean);

const quick = flag('quick');
const markdown = flag('markdown');
/** Tables as plain columns, or as Markdown with --markdown (for the README). */
function table(head: string[], rows: string[][]): void {
  if (!markdown) { plainTable(head, rows); return; }
  const line = (r: string[]): string => `| ${r.join(' | ')} |`;
  console.log(line(head));
  console.log(line(head.map((_, i) => (i ? '---:' : '---'))));
  for (const r of rows) console.log(line(r));
}
const verbose = flag('verbose');
const models = quick ? ['golden'] : list('model', 'big,golden');
const threads = list('threads', '1,2').map(Number);
const peersWanted = flag('no-peers') ? [] : list('peers', 'ort-web,ort-node');
const parts = list('only', 'whole,backbone');
const scoreThresh = opt('score-thresh') === 'off' ? undefined : Number(opt('score-thresh') ?? 0.001);
if (scoreThresh !== undefined && !(scoreThresh >= 0 && scoreThresh < 1)) throw new Error(`--score-thresh is in [0, 1) or off, got '${opt('score-thresh')}'`);
const runsFor = (m: string): number => (opt('runs') !== undefined ? Number(opt('runs')) : quick ? 1 : m === 'big' ? 2 : 5);
/** Our variants for a model: --ours, else FMA at every thread count, SIMD without FMA at the most (plus plain TS on one thread for the small model). */
const defaultOurs = (model: string): string[] => [...threads.map((t) => `fma:${t}`), `simd:${Math.max(...threads)}`, ...(model === 'big' ? [] : ['plain:1'])];
const variantsFor = (model: string): Variant[] => (opt('ours') !== undefined ? list('ours', '') : defaultOurs(model)).map((v) => {
  const m = /^(fma|simd|plain):(\d+)$/.exec(v);
  if (!m) throw new Error(`--ours takes fma:N, simd:N or plain:N, got '${v}'`);
  return { simd: m[1] !== 'plain', fma: m[1] === 'fma', threads: Number(m[2]) };
});
const vname = (v: Variant): string => `${v.fma ? 'simd+fma' : v.simd ? 'simd' : 'plain'}, ${v.threads} thr`;

const s = (ms: number | undefined): string => fmt(ms === undefined ? undefined : ms / 1000, ms !== undefined && ms < 10_000 ? 3 : 2);
const mb = (b: number | undefined): string => fmt(b === undefined ? undefined : b / 1e6, 0);
const rel = (f: string): string => { const r = relative(process.cwd(), f); return r.startsWith('..') ? f : r; };
const best = (r: Result): { wallMs: number; cpuMs: number } => (r.runs.length ? r.runs.reduce((a, b) => (b.wallMs < a.wallMs ? b : a)) : r.cold);

function rowsFor(p: Prepared): Row[] {
  const rows: Row[] = [];
  const runs = runsFor(p.name);
  const sample = [...p.rpnOutputs, ...p.features];
  for (const v of variantsFor(p.name)) {
    if (parts.includes('whole')) {
      rows.push({ label: `ours: whole Mask R-CNN (image -> detections), ${vname(v)}`, part: 'whole', runtime: 'ours', threads: v.threads, simd: v.simd, fma: !!v.fma,
        spec: { kind: 'ours', modelDir: p.modelDir, mode: 'full', image: p.image, variant: v, runs } });
      if (scoreThresh !== undefined) {
        rows.push({ label: `ours: whole, score_thresh ${scoreThresh}, ${vname(v)}`, part: 'whole', runtime: 'ours', threads: v.threads, simd: v.simd, fma: !!v.fma, lowered: true,
          spec: { kind: 'ours', modelDir: p.modelDir, mode: 'full', image: p.image, variant: v, runs, scoreThresh } });
      }
    }
    if (parts.includes('backbone')) {
      rows.push({ label: `ours: backbone part, ${vname(v)}`, part: 'backbone', runtime: 'ours', threads: v.threads, simd: v.simd, fma: !!v.fma,
        spec: { kind: 'ours', modelDir: p.modelDir, mode: 'backbone', data: p.data, imInfo: p.imInfo, variant: v, runs, sample, outputs: sample } });
    }
  }
  for (const kind of peersWanted as ('ort-web' | 'ort-node')[]) {
    for (const t of threads) {
      rows.push({ label: `${kind}: backbone part, ${t} thr`, part: 'backbone', runtime: kind, threads: t,
        spec: { kind, model: p.backbone, input: p.backboneInput, data: p.data, threads: t, runs, sample } });
    }
  }
  return rows;
}

/** Largest |a - b| over the sampled values of every shared blob, relative to the blob's largest |a|. */
function agreement(a: Record<string, Sample> | undefined, b: Record<string, Sample> | undefined): number | undefined {
  if (!a || !b) return undefined;
  let worst = 0, n = 0;
  for (const [name, sa] of Object.entries(a)) {
    const sb = b[name];
    if (!sb || sb.values.length !== sa.values.length) continue;
    let scale = 0, d = 0;
    for (let i = 0; i < sa.values.length; i++) { scale = Math.max(scale, Math.abs(sa.values[i]!)); d = Math.max(d, Math.abs(sa.values[i]! - sb.values[i]!)); }
    worst = Math.max(worst, scale > 0 ? d / scale : d);
    n++;
  }
  return n ? worst : undefined;
}

function report(p: Prepared, rows: Row[]): void {
  const ok = rows.filter((r) => r.answer?.result);
  const ourBackbone = ok.find((r) => r.runtime === 'ours' && r.part === 'backbone')?.answer?.result;
  const gflop = ourBackbone?.flops;
  console.log(`\n## ${p.title}`);
  console.log(`weights: ${mb(p.weightBytes)} MB whole model, ${mb(p.backboneWeightBytes)} MB in the backbone part; backbone part: ${gflop ? fmt(gflop / 1e9, 1) : '?'} GFLOP of convolutions`);
  table(['run', 's/image', 'CPU s', 'GFLOP/s', 'cold s', 'load s', 'peak RSS MB', 'dets'], ok.map((r) => {
    const res = r.answer!.result!;
    const b = best(res);
    const flops = r.part === 'backbone' ? gflop : res.flops;
    return [r.label, s(b.wallMs), s(b.cpuMs), flops ? fmt(flops / b.wallMs / 1e6, 1) : '-', s(res.cold.wallMs), s(res.load.wallMs), mb(res.rssPeak),
      res.detections !== undefined ? `${res.detections}${res.scoreThresh !== undefined ? ` @${+res.scoreThresh.toFixed(4)}` : ''}` : '-'];
  }));
  for (const r of rows) if (!r.answer?.result) console.log(`${r.label}: ${r.answer?.skipped ? `skipped (${r.answer.skipped})` : `FAILED: ${r.answer?.error ?? '?'}`}`);
  const wholes = ok.filter((r) => r.runtime === 'ours' && r.part === 'whole');
  const oursB = ok.filter((r) => r.runtime === 'ours' && r.part === 'backbone');
  const peers = ok.filter((r) => r.runtime !== 'ours');
  // thread for thread, against each peer
  // our fastest kernels that ran: FMA, then SIMD, then plain
  const rank = (r: Row): number => (r.fma ? 2 : r.simd ? 1 : 0);
  const pick = (rs: Row[], t: number, lowered = false): Row | undefined => rs.filter((r) => r.threads === t && !!r.lowered === lowered).sort((a, b) => rank(b) - rank(a))[0];
  const sec = (r: Row | undefined): number | undefined => (r ? best(r.answer!.result!).wallMs : undefined);
  const ratio = (a: number | undefined, b: number | undefined): string => fmt(a !== undefined && b !== undefined ? a / b : undefined, 3);
  if (peers.length) {
    console.log('\nheadline, thread for thread (ratio = peer s / our s; above 1 = ours faster; ours = SIMD+FMA kernels where they ran):');
    const low = wholes.some((r) => r.lowered);
    const lowName = `whole@${scoreThresh}`;
    table(['threads', 'ours whole s', 'ours backbone s', 'ort-web backbone s', 'ort-node backbone s', 'whole vs ort-web', 'whole vs ort-node', 'backbone vs ort-web', 'backbone vs ort-node',
      ...(low ? [`ours ${lowName} s`, `${lowName} vs ort-web`, `${lowName} vs ort-node`] : [])],
    threads.map((t) => {
      const w = sec(pick(wholes, t)), b = sec(pick(oursB, t));
      const l = sec(pick(wholes, t, true));
      const web = sec(peers.find((q) => q.runtime === 'ort-web' && q.threads === t)), node = sec(peers.find((q) => q.runtime === 'ort-node' && q.threads === t));
      return [String(t), s(w), s(b), s(web), s(node), ratio(web, w), ratio(node, w), ratio(web, b), ratio(node, b), ...(low ? [s(l), ratio(web, l), ratio(node, l)] : [])];
    }));
  }
  if (peers.length && (wholes.length || oursB.length)) {
    console.log('\nratios (peer s / our s; above 1 = ours faster):');
    const head = ['ours', ...peers.map((r) => `${r.runtime} ${r.threads} thr`)];
    const line = (r: Row): string[] => [r.label.replace(/^ours: /, ''), ...peers.map((q) => fmt(best(q.answer!.result!).wallMs / best(r.answer!.result!).wallMs, 3))];
    table(head, [...wholes, ...oursB].map(line));
  }
  if (oursB.length && peers.length) {
    const ref = oursB[0]!.answer!.result!.samples;
    console.log(`\nagreement of the backbone outputs (sampled, max |diff| / max |value|, against ${oursB[0]!.label}): ` +
      peers.map((q) => `${q.runtime} ${q.threads} thr ${fmt(agreement(ref, q.answer!.result!.samples), 6)}`).join(', '));
  }
  console.log('\npeak RSS of one run (fresh process: load + first run) next to the weights:');
  table(['run', 'RSS after load MB', 'peak RSS MB', 'ru_maxrss MB', 'weights MB', 'peak / weights', 'OS threads'], ok.map((r) => {
    const res = r.answer!.result!;
    const w = r.runtime === 'ours' ? p.weightBytes : p.backboneWeightBytes;
    return [r.label, mb(res.rssAfterLoad), mb(res.rssPeak), mb(res.ruMaxRss), mb(w), fmt(res.rssPeak / w, 2), String(res.osThreads ?? '-')];
  }));
  console.log('(peak RSS: VmHWM of the child; ru_maxrss: process.resourceUsage().maxRSS, which on Linux starts at the parent\'s RSS at fork.\n'
    + ' weights: the whole model\'s for our runs (our backbone run loads the whole net), the backbone part\'s for the peers)');
  const prof = [...wholes].sort((a, b) => best(a.answer!.result!).wallMs - best(b.answer!.result!).wallMs)[0] ?? oursB[0];
  if (prof?.answer?.result?.profile) {
    const res = prof.answer.result;
    console.log(`\nprofile of the fastest, ${prof.label} (net only, best run; as \`caffe2-ts run --profile\` prints it):`);
    if (res.split) console.log(`pre-processing ${fmt(res.split.pre, 1)} ms, net ${fmt(res.split.net, 1)} ms, post-processing ${fmt(res.split.post, 1)} ms`);
    console.log(res.profile);
    console.log(`(the same table from the CLI, the net alone: caffe2-ts run ${rel(p.modelDir)} --input data=${rel(p.data)} --input im_info=${rel(p.imInfo)} --profile)`);
  }
}

const log = (m: string): void => { if (verbose) process.stderr.write(m.endsWith('\n') ? m : `${m}\n`); };
console.log(`# end-to-end: ${new Date().toISOString()}, ${cpus()[0]?.model ?? '?'} x${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
console.log('preparing (cached under .cache/):');
const prepared = await new Promise<Prepared[]>((resolve, reject) => {
  const child = fork(fileURLToPath(new URL('./prepare_child.js', import.meta.url)), models, { serialization: 'advanced', execArgv: ['--max-old-space-size=8192'] });
  let got: Prepared[] | undefined;
  child.on('message', (m: Prepared[]) => { got = m; });
  child.on('exit', (code) => (got ? resolve(got) : reject(new Error(`preparation failed (exit ${code})`))));
});
const all: Record<string, { title: string; rows: { label: string; answer?: ChildAnswer }[] }> = {};
for (const p of prepared) {
  const rows = rowsFor(p);
  for (const r of rows) {
    process.stderr.write(`  ${p.name}: ${r.label} ... `);
    const t0 = performance.now();
    r.answer = await runChild(r.spec, log);
    process.stderr.write(`${r.answer.result ? 'done' : r.answer.skipped ? 'skipped' : 'FAILED'} (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
  }
  report(p, rows);
  const versions = [...new Set(rows.map((r) => r.answer?.result?.version).filter(Boolean))];
  console.log(`\nversions: ${versions.join(', ')}`);
  // the samples served the agreement check; the file keeps the figures
  for (const r of rows) if (r.answer?.result) delete r.answer.result.samples;
  all[p.name] = { title: p.title, rows: rows.map((r) => ({ label: r.label, answer: r.answer })) };
}
mkdirSync(join(process.cwd(), '.cache', 'e2e'), { recursive: true });
const out = join(process.cwd(), '.cache', 'e2e', 'last.json');
writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), argv: process.argv.slice(2), node: process.version, cpus: cpus().length, results: all }, null, 1));
console.log(`\nall figures: ${out}`);
