// Detection kernels on R50-FPN shapes (800x1333 padded to 800x1344): RoIAlign of 1000 RoIs over
// the four FPN levels (256 channels; 7x7 box head and 14x14 mask head; sampling_ratio 0, aligned)
// and NMS of 6000 proposals down to 1000 (IoU 0.7), fast vs reference kernels and vs
// onnxruntime-node's RoiAlign / NonMaxSuppression on the same inputs (single-node ONNX models
// written with our codec, one thread). Time is this process's CPU time, best of N samples.
// usage: node <build>/bench/kernels/detection.bench.js [filter]

import { measure } from 'mitata';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as fast from '../../kernels/roi_align.js';
import * as ref from '../../kernels/reference/roi_align.js';
import { nms, nmsScratch } from '../../kernels/nms.js';
import { nms as nmsRef } from '../../kernels/reference/nms.js';
import { fpnLevels, topK } from '../../kernels/proposals.js';
import { topK as topKRef } from '../../kernels/reference/proposals.js';
import { encodeMessage } from '../../src/proto/codec.js';
import { onnxSchema } from '../../src/proto/schema.js';

const filter = new RegExp(process.argv[2] ?? process.env['BENCH_FILTER'] ?? '.', 'i');

function seeded(n: number, seed: number, lo = 0, hi = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed | 0 || 0x9e3779b9;
  for (let i = 0; i < n; i++) { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; out[i] = lo + ((s >>> 0) / 4294967296) * (hi - lo); }
  return out;
}

const cpuNow = (): number => { const u = process.cpuUsage(); return (u.user + u.system) * 1e3; };

async function bestMs(fn: () => unknown, budgetMs = 1500, min = 3, max = 20): Promise<number> {
  const st = await measure(fn as () => void, { now: cpuNow, min_samples: min, max_samples: max, min_cpu_time: budgetMs * 1e6, warmup_samples: 1 });
  return st.min / 1e6;
}

/** One measured run after a warm-up on a small slice: for the slow reference kernels. */
function onceMs(warm: () => unknown, fn: () => unknown): number {
  warm();
  const t = cpuNow();
  fn();
  return (cpuNow() - t) / 1e6;
}

// ------------------------------------------------------------------ peers (bench/node_modules)

interface OrtTensor { data: Float32Array | BigInt64Array; dims: readonly number[] }
interface Ort {
  Tensor: new (type: 'float32' | 'int64', data: Float32Array | BigInt64Array, dims: readonly number[]) => OrtTensor;
  InferenceSession: { create(m: Uint8Array, o: Record<string, unknown>): Promise<{ run(f: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>> }> };
}

function loadOrt(): Ort | undefined {
  if (!existsSync(join(process.cwd(), 'bench/node_modules/onnxruntime-node'))) return undefined;
  try { return createRequire(join(process.cwd(), 'bench/package.json'))('onnxruntime-node') as Ort; } catch { return undefined; }
}

const FLOAT = 1, INT64 = 7;
const tensorType = (elem: number, dims: readonly number[]): unknown => ({ tensor_type: { elem_type: elem, shape: { dim: dims.map((d) => ({ dim_value: BigInt(d) })) } } });

function onnxModel(node: unknown, inputs: [string, number, readonly number[]][], output: [string, number, readonly number[]], opset: number): Uint8Array {
  const m = {
    ir_version: 8n, producer_name: 'caffe2-ts bench', opset_import: [{ domain: '', version: BigInt(opset) }],
    graph: {
      name: 'bench', node: [node], initializer: [],
      input: inputs.map(([name, t, d]) => ({ name, type: tensorType(t, d) })), output: [{ name: output[0], type: tensorType(output[1], output[2]) }],
    },
  };
  return encodeMessage(onnxSchema().message('onnx.ModelProto'), m as never);
}

const attrI = (name: string, i: number): unknown => ({ name, type: 2, i: BigInt(i) });
const attrF = (name: string, f: number): unknown => ({ name, type: 1, f });
const attrS = (name: string, s: string): unknown => ({ name, type: 3, s: new TextEncoder().encode(s) });

// ------------------------------------------------------------------ RoIAlign setup

const C = 256, IMG_H = 800, IMG_W = 1344, STRIDES = [4, 8, 16, 32];
const levels = STRIDES.map((s, l) => ({ s, H: IMG_H / s, W: IMG_W / s, x: seeded(C * (IMG_H / s) * (IMG_W / s), 11 + l, -1, 1) }));

/** 1000 boxes, sides log-uniform in 16..640 px, routed to levels 2..5 as detectron2 does. */
function rois(): Float32Array[] {
  const R = 1000, r = seeded(R * 4, 7), boxes = new Float32Array(R * 5);
  for (let i = 0; i < R; i++) {
    const w = 16 * 40 ** r[4 * i]!, h = 16 * 40 ** r[4 * i + 1]!;
    const x = r[4 * i + 2]! * (IMG_W - w), y = r[4 * i + 3]! * (IMG_H - h);
    boxes.set([0, x, y, x + w, y + h], 5 * i);
  }
  const lv = new Int32Array(R);
  fpnLevels(lv, boxes, 5, 1, R, 2, 5, 224, 4, false);
  return [2, 3, 4, 5].map((l) => {
    const rows: number[] = [];
    for (let i = 0; i < R; i++) if (lv[i] === l) rows.push(...boxes.subarray(5 * i, 5 * i + 5));
    return Float32Array.from(rows);
  });
}

const perLevel = rois();
const params = (pooled: number, l: number): fast.RoIAlignParams => ({
  spatialScale: 1 / STRIDES[l]!, pooledH: pooled, pooledW: pooled, samplingRatio: 0, aligned: true, nhwc: false,
});

function runRoI(k: typeof fast.roiAlign, pooled: number, outs: Float32Array[], scratch: fast.RoIAlignScratch, count = Infinity): void {
  levels.forEach((L, l) => {
    const R = Math.min(perLevel[l]!.length / 5, count);
    k(outs[l]!, L.x, C, L.H, L.W, perLevel[l]!, R, 5, params(pooled, l), scratch);
  });
}

const rows: string[][] = [];
const ratio = (a: number, b: number): string => (b / a).toFixed(2);

async function roiBench(ort: Ort | undefined): Promise<void> {
  console.log(`RoIAlign: ${perLevel.map((p, l) => `P${l + 2} ${levels[l]!.H}x${levels[l]!.W}: ${p.length / 5} RoIs`).join(', ')}; C=${C}`);
  for (const pooled of [7, 14]) {
    if (!filter.test(`roialign ${pooled}`)) continue;
    const outs = perLevel.map((p) => new Float32Array((p.length / 5) * C * pooled * pooled));
    const outsRef = perLevel.map((p) => new Float32Array((p.length / 5) * C * pooled * pooled));
    const scratch = new fast.RoIAlignScratch();
    const tFast = await bestMs(() => runRoI(fast.roiAlign, pooled, outs, scratch));
    const tRef = onceMs(() => runRoI(ref.roiAlign, pooled, outsRef, scratch, 4), () => runRoI(ref.roiAlign, pooled, outsRef, scratch));
    let maxDiff = 0;
    outs.forEach((o, l) => o.forEach((v, i) => { maxDiff = Math.max(maxDiff, Math.abs(v - outsRef[l]![i]!)); }));
    let tOrt = NaN, ortDiff = NaN;
    if (ort) {
      const sessions = await Promise.all(levels.map(async (L, l) => {
        const R = perLevel[l]!.length / 5;
        const node = {
          op_type: 'RoiAlign', input: ['X', 'rois', 'batch_indices'], output: ['Y'],
          attribute: [attrS('coordinate_transformation_mode', 'half_pixel'), attrS('mode', 'avg'), attrI('output_height', pooled),
            attrI('output_width', pooled), attrI('sampling_ratio', 0), attrF('spatial_scale', 1 / L.s)],
        };
        const model = onnxModel(node, [['X', FLOAT, [1, C, L.H, L.W]], ['rois', FLOAT, [R, 4]], ['batch_indices', INT64, [R]]], ['Y', FLOAT, [R, C, pooled, pooled]], 16);
        const s = await ort.InferenceSession.create(model, { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
        const r4 = new Float32Array(R * 4);
        for (let i = 0; i < R; i++) r4.set(perLevel[l]!.subarray(5 * i + 1, 5 * i + 5), 4 * i);
        const feeds = { X: new ort.Tensor('float32', L.x, [1, C, L.H, L.W]), rois: new ort.Tensor('float32', r4, [R, 4]), batch_indices: new ort.Tensor('int64', new BigInt64Array(R), [R]) };
        return { s, feeds };
      }));
      const runAll = async (): Promise<Float32Array[]> => {
        const ys: Float32Array[] = [];
        for (const { s, feeds } of sessions) ys.push((await s.run(feeds))['Y']!.data as Float32Array);
        return ys;
      };
      const ys = await runAll();
      ortDiff = 0;
      ys.forEach((y, l) => y.forEach((v, i) => { ortDiff = Math.max(ortDiff, Math.abs(v - outs[l]![i]!)); }));
      tOrt = await bestMs(runAll);
    }
    rows.push([`RoIAlign ${pooled}x${pooled}, 1000 RoIs`, tFast.toFixed(1), tRef.toFixed(1), ratio(tFast, tRef), Number.isNaN(tOrt) ? '-' : tOrt.toFixed(1),
      Number.isNaN(tOrt) ? '-' : ratio(tFast, tOrt), `ref ${maxDiff.toExponential(1)}, ort ${Number.isNaN(ortDiff) ? '-' : ortDiff.toExponential(1)}`]);
  }
}

// ------------------------------------------------------------------ NMS setup

async function nmsBench(ort: Ort | undefined): Promise<void> {
  if (!filter.test('nms')) return;
  const N = 6000, TOP = 1000, THRESH = Math.fround(0.7);
  const r = seeded(N * 5, 3), boxes = new Float32Array(N * 4), scores = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    const w = 8 + r[5 * i]! * 200, h = 8 + r[5 * i + 1]! * 200, x = r[5 * i + 2]! * (IMG_W - w), y = r[5 * i + 3]! * (IMG_H - h);
    boxes.set([x, y, x + w, y + h], 4 * i);
    scores[i] = r[5 * i + 4]!;
  }
  const order = new Int32Array(N), keep = new Int32Array(N), scratch = nmsScratch(N);
  let kept = 0;
  const runFast = (): void => { topK(order, scores, N, N); kept = nms(keep, boxes, 4, 4, order, N, THRESH, TOP, false, scratch); };
  const keepRef = new Int32Array(N), orderRef = new Int32Array(N);
  let keptRef = 0;
  const runRef = (): void => { topKRef(orderRef, scores, N, N); keptRef = nmsRef(keepRef, boxes, 4, 4, orderRef, N, THRESH, TOP, false); };
  const tFast = await bestMs(runFast);
  const tRef = await bestMs(runRef, 1500, 2, 5);
  const same = kept === keptRef && keep.subarray(0, kept).every((v, i) => v === keepRef[i]);
  let tOrt = NaN, ortSame = '-';
  if (ort) {
    const yxyx = new Float32Array(N * 4);
    for (let i = 0; i < N; i++) yxyx.set([boxes[4 * i + 1]!, boxes[4 * i]!, boxes[4 * i + 3]!, boxes[4 * i + 2]!], 4 * i);
    const node = { op_type: 'NonMaxSuppression', input: ['boxes', 'scores', 'max_out', 'iou'], output: ['sel'], attribute: [] };
    const model = onnxModel(node, [['boxes', FLOAT, [1, N, 4]], ['scores', FLOAT, [1, 1, N]], ['max_out', INT64, [1]], ['iou', FLOAT, [1]]], ['sel', INT64, [TOP, 3]], 11);
    const s = await ort.InferenceSession.create(model, { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
    const feeds = { boxes: new ort.Tensor('float32', yxyx, [1, N, 4]), scores: new ort.Tensor('float32', scores, [1, 1, N]),
      max_out: new ort.Tensor('int64', BigInt64Array.of(BigInt(TOP)), [1]), iou: new ort.Tensor('float32', Float32Array.of(THRESH), [1]) };
    const sel = (await s.run(feeds))['sel']!.data as BigInt64Array;
    ortSame = String(sel.length / 3 === kept && Array.from({ length: kept }, (_, i) => Number(sel[3 * i + 2])).every((v, i) => v === keep[i]));
    tOrt = await bestMs(() => s.run(feeds));
  }
  rows.push([`NMS 6000 -> ${kept} (IoU 0.7, incl. sort)`, tFast.toFixed(2), tRef.toFixed(2), ratio(tFast, tRef), Number.isNaN(tOrt) ? '-' : tOrt.toFixed(2),
    Number.isNaN(tOrt) ? '-' : ratio(tFast, tOrt), `same keeps: ref ${same}, ort ${ortSame}`]);
}

const ort = loadOrt();
if (!ort) console.log('onnxruntime-node is not installed under bench/ (npm --prefix bench install): peer column skipped');
await roiBench(ort);
await nmsBench(ort);
const head = ['kernel', 'fast ms', 'ref ms', 'ref/fast', 'ort ms', 'ort/fast', 'max |diff| / agreement'];
const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: string[]): string => r.map((c, i) => (i === 0 || i === r.length - 1 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
console.log(line(head));
console.log(w.map((n) => '-'.repeat(n)).join('  '));
for (const r of rows) console.log(line(r));
