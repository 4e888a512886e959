// Makes weights.bin for ../shared/golden/big/model.onnx (the full-size Mask R-CNN R50-FPN, whose
// weights are not shipped) from big/weights_manifest.json: every tensor filled with float32
// normal(mean, std) from a seeded generator at its offset; gaps stay zero; the file is total_bytes
// long. model.onnx and config.yaml are copied next to it, so the converter finds the external data.
// The values differ from the original model's: the model is for timing and memory only.
//
// usage: node scripts/make-big-weights.mjs [--big DIR] [--out .cache/big] [--seed 7] [--force]
// Prints the tensors' sample mean/std against the manifest's (a check of the generator).

import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The generator's version: bump it when the values it writes change, so cached files are remade. */
export const WEIGHTS_VERSION = 1;

function opt(argv, name, def) {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
}

/** sfc32 seeded from (seed, tensor index) through splitmix32: tensors are independent of order. */
function rng(seed, index) {
  let s = (seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
  const mix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = mix(), b = mix(), c = mix(), d = mix();
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
}

/** Fills out with normal(mean, std) samples (Box-Muller on 53-bit uniforms in (0, 1]). */
export function fillNormal(out, mean, std, seed, index) {
  const next = rng(seed, index);
  const uniform = () => ((next() >>> 5) * 67108864 + (next() >>> 6) + 1) / 9007199254740992;
  for (let i = 0; i < out.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uniform())), th = 2 * Math.PI * uniform();
    out[i] = mean + std * r * Math.cos(th);
    if (i + 1 < out.length) out[i + 1] = mean + std * r * Math.sin(th);
  }
}

/** Writes weights.bin (and copies the model) into `out`; returns its path. Skips work when up to date. */
export function makeBigWeights({ big, out, seed = 7, force = false, log = console.log }) {
  const manifest = JSON.parse(readFileSync(join(big, 'weights_manifest.json'), 'utf8'));
  mkdirSync(out, { recursive: true });
  for (const f of ['model.onnx', 'config.yaml']) {
    const dst = join(out, f);
    if (force || !existsSync(dst) || statSync(dst).size !== statSync(join(big, f)).size) writeFileSync(dst, readFileSync(join(big, f)));
  }
  const path = join(out, manifest.weights_file);
  const stampPath = `${path}.stamp`;
  const stamp = JSON.stringify({ version: WEIGHTS_VERSION, seed, total: manifest.total_bytes, tensors: manifest.tensors.length });
  if (!force && existsSync(path) && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stamp && statSync(path).size === manifest.total_bytes) {
    log(`${path}: up to date (${(manifest.total_bytes / 1e6).toFixed(1)} MB, seed ${seed})`);
    return path;
  }
  const t0 = performance.now();
  const buf = new ArrayBuffer(manifest.total_bytes);
  let worstMean = 0, worstStd = 0, count = 0;
  manifest.tensors.forEach((t, k) => {
    if (t.dtype !== 'float32') throw new Error(`${t.name}: dtype ${t.dtype} is not float32`);
    const n = t.dims.reduce((a, b) => a * b, 1);
    if (n * 4 !== t.length || t.offset % 4 || t.offset + t.length > manifest.total_bytes) throw new Error(`${t.name}: bad offset/length`);
    const v = new Float32Array(buf, t.offset, n);
    fillNormal(v, t.mean, t.std, seed, k);
    count += n;
    // the sample statistics of a large tensor should match the manifest's to a few standard errors
    if (n >= 4096) {
      let s = 0, s2 = 0;
      for (let i = 0; i < n; i++) { s += v[i]; s2 += v[i] * v[i]; }
      const m = s / n, sd = Math.sqrt(Math.max(0, s2 / n - m * m));
      if (t.std > 0) {
        worstMean = Math.max(worstMean, Math.abs(m - t.mean) / (t.std / Math.sqrt(n)));
        worstStd = Math.max(worstStd, Math.abs(sd / t.std - 1));
      }
    }
  });
  writeFileSync(`${path}.tmp`, new Uint8Array(buf));
  renameSync(`${path}.tmp`, path);
  writeFileSync(stampPath, stamp);
  log(`${path}: ${manifest.tensors.length} tensors, ${count.toLocaleString('en')} values, ${(manifest.total_bytes / 1e6).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`
    + ` (seed ${seed}; worst sample mean ${worstMean.toFixed(1)} standard errors off, worst sample std ${(100 * worstStd).toFixed(2)}% off)`);
  return path;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  makeBigWeights({
    big: opt(argv, 'big', process.env['CAFFE2_TS_SHARED'] ? join(process.env['CAFFE2_TS_SHARED'], 'golden/big') : '../shared/golden/big'),
    out: opt(argv, 'out', '.cache/big'),
    seed: Number(opt(argv, 'seed', '7')),
    force: argv.includes('--force'),
  });
}
