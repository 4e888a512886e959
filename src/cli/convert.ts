// `caffe2-ts convert model.onnx --output dir/ [--config config.yaml] [...]`: lowers a detectron2
// Caffe2-style ONNX export to model.pb, model_init.pb, model.pbtxt and model.svg, as detectron2's
// converter writes them, and prints a summary (ops, parameters, fixes, meta, unsupported ops).

import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { InputError } from '../core/errors.js';
import { shapeStr } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import { readNpyFile } from '../node/files.js';
import { defaultRegistry } from '../ops/index.js';
import { convertOnnx, type ConvertResult } from '../onnx/convert.js';
import type { MetaValue } from '../onnx/meta.js';
import type { ExternalDataLoader } from '../onnx/reader.js';
import { renderSvg } from '../onnx/svg.js';
import { encodeNets } from '../onnx/writer.js';
import { parseArgv } from './args.js';
import { RUN_EVAL_FLAGS, RUN_EVAL_USAGE, runEvalFromFlags } from './eval.js';
import { fmtBytes, fmtInt } from './common.js';
import { Progress } from './progress.js';

export const usage = 'caffe2-ts convert <model.onnx> --output <dir> [--config config.yaml] [--meta-architecture A] [--size-divisibility N] [--meta key=value]... [--upsample-linear half_pixel|align_corners] [--no-svg] [--json] ' + RUN_EVAL_USAGE;

/** Flags that set one meta value each (`--meta key=value` sets any). */
const META_FLAGS: Record<string, string> = {
  'meta-architecture': 'meta_architecture', 'size-divisibility': 'size_divisibility', 'min-size-test': 'min_size_test',
  'max-size-test': 'max_size_test', 'input-format': 'input_format', 'num-classes': 'num_classes', device: 'device',
};

/** Reads external data files next to the model; a location may not leave the model's directory. */
export function externalDataLoader(modelPath: string): ExternalDataLoader {
  const dir = dirname(modelPath);
  const cache = new Map<string, Uint8Array>();
  return (location) => {
    const rel = normalize(location);
    if (isAbsolute(rel) || rel === '..' || rel.startsWith(`..${sep}`)) throw new InputError(`external data location '${location}' is outside the model's directory`, { file: modelPath });
    let b = cache.get(rel);
    if (!b) {
      const p = join(dir, rel);
      if (!existsSync(p)) throw new InputError(`external data file '${location}' not found next to the model`, { file: p });
      const buf = readFileSync(p);
      b = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
      cache.set(rel, b);
    }
    return b;
  };
}

function metaText(v: MetaValue): string {
  if (!Array.isArray(v)) return String(v);
  return v.map((x) => (typeof x === 'number' ? String(+x.toFixed(6)) : JSON.stringify(x))).join(',');
}

export function summaryText(r: ConvertResult, file: string): string {
  const s = r.summary;
  const lines = [
    `${file}: ONNX IR ${s.irVersion} (${s.opsets}), ${s.onnxNodes} nodes -> ${s.ops} Caffe2 ops, ${fmtInt(s.params)} parameters (${fmtInt(s.paramValues)} values, ${fmtBytes(s.paramBytes)})`,
    `  ops: ${s.histogram.map(([t, n]) => `${t} ${n}`).join(', ')}`,
    `  folded ${s.folded} constant op${s.folded === 1 ? '' : 's'} into the init net; detectron2 fixes: ${s.fixes.aliases} aliases fused, ${s.fixes.reshapesForFc} Reshape-before-FC removed, ${s.fixes.groupNorms} GroupNorm from ATen, ${s.fixes.deadOps} dead ops removed`,
    `  inputs: ${s.inputs.map((n) => { const i = r.inputInfos.get(n); return i ? `${n} ${i.dtype}${shapeStr(i.shape)}` : n; }).join(', ')}`,
    `  outputs: ${s.outputs.map((n) => { const i = r.infos.get(n); return i ? `${n} ${i.dtype}${shapeStr(i.shape)}` : n; }).join(', ')}`,
    `  meta: ${r.meta.map((e) => `${e.key}=${metaText(e.value)}${e.source === 'default' ? '*' : ''}`).join(' ')}   (* = default)`,
    '  unsupported ops: none',
  ];
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const spec: Parameters<typeof parseArgv>[1] = {
    output: { short: 'o' }, config: {}, meta: { multi: true }, constant: { multi: true }, 'upsample-linear': {}, 'no-svg': { bool: true }, json: { bool: true },
    ...RUN_EVAL_FLAGS,
  };
  for (const f of Object.keys(META_FLAGS)) spec[f] = {};
  const a = parseArgv(argv, spec);
  const path = a.positional[0];
  const out = a.str('output');
  if (!path || a.positional.length > 1 || !out) throw new InputError(`usage: ${usage}`);
  if (!existsSync(path) || statSync(path).isDirectory()) throw new InputError('no such ONNX file', { file: path });
  const runEval = runEvalFromFlags(a);
  const meta: Record<string, string> = {};
  for (const kv of a.all('meta')) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new InputError(`--meta expects key=value, got '${kv}'`);
    meta[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  for (const [flag, key] of Object.entries(META_FLAGS)) { const v = a.str(flag); if (v !== undefined) meta[key] = v; }
  const upsample = a.str('upsample-linear');
  if (upsample !== undefined && upsample !== 'half_pixel' && upsample !== 'align_corners') throw new InputError(`--upsample-linear is half_pixel or align_corners, got '${upsample}'`);
  // graph inputs Caffe2 needs as arguments (ONNX axes, scales, K, ... fed as tensors)
  const constants = new Map<string, Tensor>();
  for (const kv of a.all('constant')) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new InputError(`--constant expects input=file.npy, got '${kv}'`);
    constants.set(kv.slice(0, eq), readNpyFile(kv.slice(eq + 1)));
  }
  const configPath = a.str('config');
  const config = configPath ? readText(configPath) : undefined;

  const t0 = performance.now();
  const bar = new Progress('converting');
  const bytes = readFileSync(path);
  let r: ConvertResult;
  try {
    r = convertOnnx(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      file: basename(path), externalData: externalDataLoader(path), meta, constants,
      ...(config !== undefined ? { config, configFile: basename(configPath!) } : {}),
      ...(upsample ? { rules: { upsampleLinear: upsample } } : {}),
      onRead: (d, t) => bar.update(d, t, 'reading'),
      onProgress: (d, t) => bar.update(d, t, 'lowering'),
    });
  } finally {
    bar.done();
  }
  const files = encodeNets(r);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'model.pb'), files['model.pb']);
  writeFileSync(join(out, 'model_init.pb'), files['model_init.pb']);
  writeFileSync(join(out, 'model.pbtxt'), files['model.pbtxt']);
  const written = ['model.pb', 'model_init.pb', 'model.pbtxt'];
  if (!a.bool('no-svg')) {
    writeFileSync(join(out, 'model.svg'), renderSvg(r.predictNet, { infos: r.infos, registry: defaultRegistry, inputs: r.summary.inputs, title: `${basename(path)} -> model.pb` }));
    written.push('model.svg');
  }
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  if (a.bool('json')) {
    console.log(JSON.stringify({ ...r.summary, meta: Object.fromEntries(r.meta.map((e) => [e.key, e.value])), warnings: r.warnings, files: written, seconds: Number(secs) }, null, 1));
  } else {
    console.log(summaryText(r, basename(path)));
    console.log(`wrote ${written.map((f) => `${f} (${fmtBytes(statSync(join(out, f)).size)})`).join(', ')} to ${out} in ${secs} s`);
  }
  return runEval ? runEval(out) : 0;
}

function readText(p: string): string {
  if (!existsSync(p)) throw new InputError('no such file', { file: p });
  return readFileSync(p, 'utf8');
}
