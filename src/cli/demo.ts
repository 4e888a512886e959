// `caffe2-ts demo` (npm start): converts the shipped sample model (samples/demo/model.onnx) to a
// Caffe2 model directory if needed, predicts on the sample images and writes detectron2 JSON and
// Visualizer pictures, printing where they are.

import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../core/errors.js';
import { Detectron2Predictor } from '../detectron2/api.js';
import { loadModel } from '../node/files.js';
import { ENGINE_FLAGS, engineOptions } from './common.js';
import { convertOnnx } from '../onnx/convert.js';
import { encodeNetDef } from '../proto/caffe2.js';
import { parseArgv } from './args.js';
import { collectImages, predictImages, readClasses } from './predict.js';

export const usage = 'caffe2-ts demo [--output out/demo] [--pad-with-mean] [--samples dir] [--threads N] [--no-simd] [--no-fma]';

/** samples/demo of the package: the nearest ancestor of this module's folder that has it. */
function samplesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const cand = join(dir, 'samples', 'demo');
    if (existsSync(join(cand, 'model.onnx'))) return cand;
    const up = dirname(dir);
    if (up === dir) throw new InputError('cannot find samples/demo/model.onnx next to the caffe2-ts package (pass --samples dir)');
    dir = up;
  }
}

/** Converts model.onnx (+ config.yaml) into modelDir unless a converted model newer than it exists. */
export function ensureConverted(samples: string, modelDir: string, log: (s: string) => void): void {
  const onnx = join(samples, 'model.onnx'), pb = join(modelDir, 'model.pb');
  if (!existsSync(onnx)) throw new InputError('the demo model is missing', { file: onnx });
  if (existsSync(pb) && existsSync(join(modelDir, 'model_init.pb')) && statSync(pb).mtimeMs >= statSync(onnx).mtimeMs) return;
  const t0 = performance.now();
  const cfgPath = join(samples, 'config.yaml');
  const r = convertOnnx(new Uint8Array(readFileSync(onnx)), {
    file: 'model.onnx', noPlan: true,
    ...(existsSync(cfgPath) ? { config: readFileSync(cfgPath, 'utf8'), configFile: 'config.yaml' } : {}),
  });
  mkdirSync(modelDir, { recursive: true });
  writeFileSync(join(modelDir, 'model_init.pb'), encodeNetDef(r.initNet));
  writeFileSync(pb, encodeNetDef(r.predictNet));
  for (const w of r.warnings) log(`convert: ${w}`);
  log(`converted ${relative(process.cwd(), onnx) || onnx} -> ${modelDir}/ (${r.summary.ops} ops, ${r.summary.params} weights) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

export async function main(argv: string[]): Promise<number> {
  const a = parseArgv(argv, { output: { short: 'o' }, 'pad-with-mean': { bool: true }, samples: {}, ...ENGINE_FLAGS });
  if (a.positional.length) throw new InputError(`usage: ${usage}`);
  const samples = a.str('samples') ?? samplesDir();
  const out = a.str('output') ?? join('out', 'demo');
  const modelDir = join(out, 'model');
  ensureConverted(samples, modelDir, (s) => console.log(s));
  const model = loadModel(modelDir, engineOptions(a));
  const classesFile = join(samples, 'classes.txt');
  const p = new Detectron2Predictor(model, {
    ...(existsSync(classesFile) ? { thingClasses: readClasses(classesFile) } : {}),
    ...(a.bool('pad-with-mean') ? { padWithMean: true } : {}),
  });
  const { jobs, errors } = collectImages([join(samples, 'images')]);
  for (const e of errors) console.error(`caffe2-ts: ${e.name}: ${e.message}`);
  const s = predictImages(p, jobs, { output: out, format: 'both', scoreThreshold: 0.5 });
  console.log(`\nwrote ${s.written.length} files to ${out}/:`);
  for (const f of s.written) console.log(`  ${f}`);
  console.log(`pictures show detections with score >= 0.5; about the model: ${join(relative(process.cwd(), samples) || samples, 'README.md')}`);
  return s.failed || errors.length ? 1 : 0;
}
