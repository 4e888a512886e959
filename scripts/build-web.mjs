// `npm run build:web`: the browser build and the demo site in one folder (default dist/web):
//   caffe2-ts.js (+ .map)   src/index.ts as one minified ESM bundle for browsers (protobufjs,
//                           yaml, dagre, fast-png inside; no Node built-ins)
//   index.html app.js ...   the demo page, copied from web/
//   model/                  samples/demo/model.onnx converted to Caffe2 by that same bundle
//   images/ samples.json    the sample images and their list
//   THIRD_PARTY_LICENSES.txt  the licences of the packages inside the bundle
// usage: node scripts/build-web.mjs [--outdir dist/web]
import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
export const BUNDLE = 'caffe2-ts.js';

/**
 * Bundles src/index.ts into `outdir`/caffe2-ts.js. keepNames matters: our errors report
 * `new.target.name` (InputError, ModelFormatError...), which plain minification would mangle.
 * Returns esbuild's metafile (inputs and outputs) for checks.
 */
export async function buildBundle(outdir) {
  const r = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ['src/index.ts'],
    outfile: join(outdir, BUNDLE),
    bundle: true, platform: 'browser', format: 'esm', target: 'es2022',
    minify: true, keepNames: true, sourcemap: 'linked', legalComments: 'none',
    banner: { js: `/*! caffe2-ts ${pkg.version} (${pkg.license}), browser build; bundled packages and their licences: THIRD_PARTY_LICENSES.txt */` },
    metafile: true, logLevel: 'silent',
  });
  writeFileSync(join(outdir, 'THIRD_PARTY_LICENSES.txt'), thirdPartyLicenses(r.metafile));
  return r.metafile;
}

/** The npm packages whose code is in the bundle, from the metafile's inputs. */
export function bundledPackages(metafile) {
  const names = new Set();
  for (const f of Object.keys(metafile.inputs)) {
    const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f);
    if (m) names.add(m[1]);
  }
  return [...names].sort();
}

function thirdPartyLicenses(metafile) {
  let out = `caffe2-ts ${pkg.version} (${pkg.license}) bundles these packages:\n`;
  for (const name of bundledPackages(metafile)) {
    const dir = join(ROOT, 'node_modules', name);
    const p = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = readdirSync(dir).find((f) => /^licen[cs]e(\.md|\.txt)?$/i.test(f));
    out += `\n${'='.repeat(72)}\n${name} ${p.version} (${p.license})\n${'='.repeat(72)}\n`;
    out += file ? readFileSync(join(dir, file), 'utf8').trim() + '\n' : `(no licence file in the package; its package.json says ${p.license})\n`;
  }
  return out;
}

/**
 * Converts the sample ONNX model with the bundle just built (so the site's model is what the
 * browser build itself produces), storing the class names as the thing_classes meta arg so the
 * model directory describes itself.
 */
async function convertSample(outdir) {
  const samples = join(ROOT, 'samples', 'demo');
  const lib = await import(`${pathToFileURL(join(outdir, BUNDLE)).href}?t=${Date.now()}`);
  const classes = readFileSync(join(samples, 'classes.txt'), 'utf8').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const r = lib.convertOnnx(new Uint8Array(readFileSync(join(samples, 'model.onnx'))), {
    file: 'model.onnx', noPlan: true,
    config: readFileSync(join(samples, 'config.yaml'), 'utf8'), configFile: 'config.yaml',
    meta: { thing_classes: classes.join(',') },
  });
  const modelDir = join(outdir, 'model');
  mkdirSync(modelDir, { recursive: true });
  writeFileSync(join(modelDir, 'model.pb'), lib.encodeNetDef(r.predictNet));
  writeFileSync(join(modelDir, 'model_init.pb'), lib.encodeNetDef(r.initNet));
  const images = readdirSync(join(samples, 'images')).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
  mkdirSync(join(outdir, 'images'), { recursive: true });
  for (const f of images) copyFileSync(join(samples, 'images', f), join(outdir, 'images', f));
  const samplesJson = {
    model: { dir: 'model', name: 'Sample Mask R-CNN', about: 'circles, squares and triangles; 1.17M parameters', classes },
    images: images.map((f) => `images/${f}`),
  };
  writeFileSync(join(outdir, 'samples.json'), JSON.stringify(samplesJson, null, 2) + '\n');
  return { ops: r.summary.ops, warnings: r.warnings };
}

/** The whole site: bundle, page, sample model and images. Returns what it wrote, for the log. */
export async function buildSite(outdir) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const t0 = performance.now();
  const metafile = await buildBundle(outdir);
  const t1 = performance.now();
  cpSync(join(ROOT, 'web'), outdir, { recursive: true });
  const model = await convertSample(outdir);
  const t2 = performance.now();
  return { metafile, model, bundleMs: t1 - t0, convertMs: t2 - t1 };
}

const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--outdir');
  if (args.length && (i !== 0 || args.length !== 2)) {
    console.error('usage: node scripts/build-web.mjs [--outdir dist/web]');
    process.exit(2);
  }
  const outdir = resolve(i === 0 ? args[1] : join(ROOT, 'dist', 'web'));
  try {
    const s = await buildSite(outdir);
    const bundle = readFileSync(join(outdir, BUNDLE));
    const rel = relative(process.cwd(), outdir) || '.';
    for (const w of s.model.warnings) console.log(`convert: ${w}`);
    console.log(`${rel}/${BUNDLE}: ${kb(bundle.length)} (${kb(gzipSync(bundle).length)} gzipped), bundled in ${s.bundleMs.toFixed(0)} ms; packages inside: ${bundledPackages(s.metafile).join(', ')}`);
    console.log(`${rel}/model/: samples/demo/model.onnx converted by the bundle (${s.model.ops} ops) in ${s.convertMs.toFixed(0)} ms`);
    console.log(`${rel}/: the demo page; serve it with \`npm run demo:web\``);
  } catch (e) {
    console.error(`build:web failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
