// Everything the end-to-end bench needs, made once and cached under .cache/ (git-ignored):
//   big:    weights.bin from the manifest (scripts/make-big-weights.mjs), the model converted with
//           our CLI (`caffe2-ts convert`, external data read next to the model), the backbone
//           cut for the peers, and data/im_info of the golden image img0 resized to 800x1120;
//   golden: ../shared/golden/mask_rcnn_fpn converted, its backbone cut, its img0 inputs (320x448).
// A cached file is remade when what made it changed (a stamp holds a hash of its inputs and of
// the compiled code that wrote it).

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeNpy } from '../../src/core/npy.js';
import { decodeImage } from '../../src/detectron2/decode.js';
import { batchInputs, prepareImage } from '../../src/detectron2/preprocess.js';
import { cutBeforeProposals, type CutModel } from './cut.js';

export interface Prepared {
  name: string;
  /** What the net is and at what size, for the table. */
  title: string;
  modelDir: string;
  image: string;
  data: string;
  imInfo: string;
  /** [N, C, H, W] of data. */
  dims: number[];
  backbone: string;
  backboneInput: string;
  rpnOutputs: string[];
  features: string[];
  /** Bytes of the whole model's weights / of the backbone part's. */
  weightBytes: number;
  backboneWeightBytes: number;
}

const BUILD = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(BUILD, 'src', 'cli', 'main.js');

export function sharedDir(): string {
  return process.env['CAFFE2_TS_SHARED'] ?? join(process.cwd(), '..', 'shared');
}

function hashFiles(files: string[], extra = ''): string {
  const h = createHash('sha256');
  h.update(extra);
  for (const f of files.sort()) { h.update(f); h.update(readFileSync(f)); }
  return h.digest('hex').slice(0, 16);
}

const walkJs = (d: string): string[] => readdirSync(d).flatMap((f) => {
  const p = join(d, f);
  return statSync(p).isDirectory() ? walkJs(p) : p.endsWith('.js') ? [p] : [];
});

/** Runs make() unless `stampFile` already holds `stamp` and every output exists. */
function cached(what: string, stampFile: string, stamp: string, outputs: string[], make: () => void, log: (s: string) => void): void {
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp && outputs.every((f) => existsSync(f))) {
    log(`  ${what}: cached`);
    return;
  }
  const t0 = performance.now();
  make();
  writeFileSync(stampFile, stamp);
  log(`  ${what}: made in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

function convert(onnx: string, config: string, out: string, log: (s: string) => void): void {
  // the converter's output depends on the compiled runtime (lowering rules, op schemas)
  const stamp = hashFiles([onnx, config, ...walkJs(join(BUILD, 'src'))]);
  cached(`convert ${onnx} (caffe2-ts convert)`, join(out, '.stamp'), stamp, [join(out, 'model.pb'), join(out, 'model_init.pb')], () => {
    execFileSync(process.execPath, ['--max-old-space-size=8192', CLI, 'convert', onnx, '--output', out, '--config', config, '--no-svg'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }, log);
}

function cut(onnx: string, external: string | undefined, out: string, log: (s: string) => void): Omit<CutModel, 'bytes'> {
  const meta = `${out}.json`;
  const stamp = hashFiles([onnx, join(BUILD, 'bench', 'e2e', 'cut.js')], external ? `${statSync(external).size}:${readFileSync(`${external}.stamp`, 'utf8')}` : '');
  cached(`backbone cut for the peers -> ${out}`, `${out}.stamp`, stamp, [out, meta], () => {
    let ext: Uint8Array | undefined;
    const c = cutBeforeProposals(new Uint8Array(readFileSync(onnx)), () => (ext ??= new Uint8Array(readFileSync(external!))));
    writeFileSync(out, c.bytes);
    const { bytes: _b, ...rest } = c;
    writeFileSync(meta, JSON.stringify(rest));
  }, log);
  return JSON.parse(readFileSync(meta, 'utf8')) as Omit<CutModel, 'bytes'>;
}

/** data/im_info for an image as detectron2's Caffe2 path feeds them (resize, BGR, pad to 32). */
function imageInputs(image: string, minSize: number, maxSize: number, data: string, imInfo: string): number[] {
  const p = prepareImage(decodeImage(new Uint8Array(readFileSync(image)), image), { minSize, maxSize, inputFormat: 'BGR' });
  const b = batchInputs([p], { sizeDivisibility: 32 });
  writeFileSync(data, writeNpy(b.data));
  writeFileSync(imInfo, writeNpy(b.imInfo));
  return b.data.shape.slice();
}

export function prepareBig(log: (s: string) => void = console.log): Prepared {
  const big = join(sharedDir(), 'golden', 'big');
  const dir = join(process.cwd(), '.cache', 'big');
  mkdirSync(dir, { recursive: true });
  execFileSync(process.execPath, [join(process.cwd(), 'scripts', 'make-big-weights.mjs'), '--big', big, '--out', dir], { stdio: ['ignore', 'pipe', 'inherit'] })
    .toString().trim().split('\n').forEach((l) => log(`  ${l}`));
  const onnx = join(dir, 'model.onnx'), weights = join(dir, 'weights.bin');
  convert(onnx, join(dir, 'config.yaml'), join(dir, 'c2'), log);
  const c = cut(onnx, weights, join(dir, 'backbone.onnx'), log);
  const image = join(sharedDir(), 'golden', 'images', 'img0_face_480x672.png');
  const data = join(dir, 'data.npy'), imInfo = join(dir, 'im_info.npy');
  let dims: number[] = [];
  cached('data/im_info (img0 resized to 800x1120)', join(dir, 'inputs.stamp'), hashFiles([image, join(BUILD, 'src', 'detectron2', 'preprocess.js'), join(BUILD, 'src', 'detectron2', 'resize.js')]), [data, imInfo],
    () => { dims = imageInputs(image, 800, 1333, data, imInfo); }, log);
  if (!dims.length) dims = shapeOfNpy(data);
  return {
    name: 'big', title: `R50-FPN Mask R-CNN (COCO, 44.3M params) at ${dims[2]}x${dims[3]}`, modelDir: join(dir, 'c2'), image, data, imInfo, dims,
    backbone: join(dir, 'backbone.onnx'), backboneInput: c.input, rpnOutputs: c.rpnOutputs, features: c.features,
    weightBytes: statSync(weights).size, backboneWeightBytes: c.weightBytes,
  };
}

export function prepareGolden(log: (s: string) => void = console.log): Prepared {
  const g = join(sharedDir(), 'golden');
  const dir = join(process.cwd(), '.cache', 'golden');
  mkdirSync(dir, { recursive: true });
  const onnx = join(g, 'mask_rcnn_fpn', 'model.onnx');
  convert(onnx, join(g, 'mask_rcnn_fpn', 'config.yaml'), join(dir, 'c2'), log);
  const c = cut(onnx, undefined, join(dir, 'backbone.onnx'), log);
  const data = join(g, 'inputs', 'img0_face_480x672__div32_data.npy');
  const dims = shapeOfNpy(data);
  let weightBytes = 0;
  try { weightBytes = Number(JSON.parse(readFileSync(join(g, 'mask_rcnn_fpn', 'manifest.json'), 'utf8')).num_parameters ?? 0) * 4; } catch { /* unknown */ }
  return {
    name: 'golden', title: `golden mask_rcnn_fpn (narrow R50-FPN, 1.17M params) at ${dims[2]}x${dims[3]}`, modelDir: join(dir, 'c2'),
    image: join(g, 'images', 'img0_face_480x672.png'), data, imInfo: join(g, 'inputs', 'img0_face_480x672__div32_im_info.npy'), dims,
    backbone: join(dir, 'backbone.onnx'), backboneInput: c.input, rpnOutputs: c.rpnOutputs, features: c.features,
    weightBytes, backboneWeightBytes: c.weightBytes,
  };
}

/** The shape in an .npy header (without reading the data). */
function shapeOfNpy(path: string): number[] {
  const head = readFileSync(path).subarray(0, 256).toString('latin1');
  const m = /'shape':\s*\(([^)]*)\)/.exec(head);
  if (!m) throw new Error(`${path}: no shape in the .npy header`);
  return m[1]!.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
}
