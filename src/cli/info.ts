// `caffe2-ts info <model_dir | model.pb> [--init model_init.pb] [--shape name=dims]...`:
// inputs, outputs, meta args, op histogram, parameters, planned peak memory, unsupported ops.

import { Caffe2Error, InputError, UnsupportedOpsError, PlanError } from '../core/errors.js';
import type { ValueInfo } from '../core/tensor.js';
import { Caffe2Model, readMeta } from '../caffe2/model.js';
import { defaultRegistry } from '../ops/index.js';
import { readNetDef, resolveModelPaths } from '../node/files.js';
import type { NetDef } from '../proto/caffe2.js';
import { parseArgv } from './args.js';
import { fmtBytes, fmtInt, parseShapeFlag } from './common.js';
import { Progress } from './progress.js';
import { basename } from 'node:path';

export const usage = 'caffe2-ts info <model_dir | model.pb> [--init model_init.pb] [--shape name=d0,d1,...]... [--json]';

function histogram(net: NetDef): [string, number][] {
  const h = new Map<string, number>();
  for (const op of net.op) h.set(op.type ?? '?', (h.get(op.type ?? '?') ?? 0) + 1);
  return [...h].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Default input shapes for planning a detectron2 net: data at its test size, im_info [N,3]. */
export function defaultShapes(model: Pick<Caffe2Model, 'inputNames' | 'meta'>): Map<string, number[]> {
  const m = new Map<string, number[]>();
  const minSize = Number(model.meta['min_size_test'] ?? 800);
  const maxSize = Number(model.meta['max_size_test'] ?? 1333);
  const div = Number(model.meta['size_divisibility'] ?? 0);
  const round = (x: number) => (div > 1 ? Math.ceil(x / div) * div : x);
  if (model.inputNames.includes('data')) m.set('data', [1, 3, round(minSize), round(Math.min(maxSize, Math.round(minSize * 4 / 3)))]);
  if (model.inputNames.includes('im_info')) m.set('im_info', [1, 3]);
  return m;
}

export async function main(argv: string[]): Promise<number> {
  const a = parseArgv(argv, { init: {}, shape: { multi: true }, json: { bool: true } });
  const path = a.positional[0];
  if (!path || a.positional.length > 1) throw new InputError(`usage: ${usage}`);
  const paths = resolveModelPaths(path, a.str('init'));
  const bar = new Progress('loading');
  const predict = readNetDef(paths.predict);
  const init = paths.init ? readNetDef(paths.init, (d, t) => bar.update(d, t, 'reading weights')) : undefined;

  const report: Record<string, unknown> = {
    file: basename(paths.predict), init: paths.init ? basename(paths.init) : null, name: predict.name ?? '',
    ops: predict.op.length, meta: readMeta(predict.arg), histogram: Object.fromEntries(histogram(predict)),
  };
  const problems: string[] = [];
  let unsupported: string[] = [];
  const types = new Set([...predict.op, ...(init?.op ?? [])].map((o) => o.type ?? ''));
  unsupported = [...types].filter((t) => !defaultRegistry.has(t)).sort();
  let model: Caffe2Model | undefined;
  try {
    model = new Caffe2Model(predict, init, {
      registry: defaultRegistry, predictFile: basename(paths.predict), ...(paths.init ? { initFile: basename(paths.init) } : {}),
      onProgress: (d, t) => bar.update(d, t, 'running init net'),
    });
  } catch (e) {
    if (e instanceof UnsupportedOpsError) { /* listed below */ }
    else if (e instanceof PlanError) problems.push(...e.errors.filter((x) => !(x instanceof UnsupportedOpsError)).map((x) => x.message));
    else if (e instanceof Caffe2Error) problems.push(e.message);
    else throw e;
  }
  const produced = new Set((init?.op ?? []).flatMap((o) => o.output));
  const inputs = model ? model.inputNames : predict.external_input.filter((n) => !produced.has(n));
  report['inputs'] = inputs;
  report['outputs'] = predict.external_output;
  report['unsupported_ops'] = unsupported;
  if (model) {
    const w = model.weightStats();
    report['params'] = { count: w.count, bytes: w.bytes, blobs: w.blobs };
    const shapes = defaultShapes(model);
    for (const s of a.all('shape')) { const [n, d] = parseShapeFlag(s); shapes.set(n, d); }
    if (inputs.every((n) => shapes.has(n))) {
      const infos = new Map<string, ValueInfo>(inputs.map((n) => [n, { dtype: 'float32', shape: shapes.get(n)! }]));
      try {
        const plan = model.plan(infos);
        report['planned_peak'] = { bytes: plan.peakBytes, lower_bound: plan.peakIsLowerBound, shapes: Object.fromEntries(shapes) };
      } catch (e) {
        if (e instanceof Caffe2Error) problems.push(`planning with ${[...shapes].map(([n, d]) => `${n} [${d.join(',')}]`).join(', ')}: ${e.message}`);
        else throw e;
      }
    }
  }
  bar.done();
  report['problems'] = problems;
  if (a.bool('json')) { console.log(JSON.stringify(report, null, 2)); return problems.length || unsupported.length ? 1 : 0; }

  const out: string[] = [];
  out.push(`model:    ${report['file']}${paths.init ? ` + ${basename(paths.init)}` : ''}${predict.name ? `  (net '${predict.name}')` : ''}`);
  out.push(`inputs:   ${inputs.join(', ') || '(none)'}`);
  out.push(`outputs:  ${predict.external_output.join(', ') || '(none)'}`);
  const meta = Object.entries(report['meta'] as object);
  out.push(`meta:     ${meta.length ? meta.map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(', ')}]` : v}`).join('\n          ') : '(none)'}`);
  out.push(`ops:      ${predict.op.length} (${histogram(predict).map(([t, n]) => `${t} ${n}`).join(', ')})`);
  if (report['params']) {
    const p = report['params'] as { count: number; bytes: number; blobs: number };
    out.push(`params:   ${fmtInt(p.count)} in ${p.blobs} blobs, ${fmtBytes(p.bytes)}`);
  }
  if (report['planned_peak']) {
    const pp = report['planned_peak'] as { bytes: number; lower_bound: boolean; shapes: Record<string, number[]> };
    out.push(`peak:     ${fmtBytes(pp.bytes)} of intermediate blobs${pp.lower_bound ? ' (plus data-dependent blobs)' : ''} for ${Object.entries(pp.shapes).map(([n, d]) => `${n} [${d.join(', ')}]`).join(', ')}`);
  } else if (model) out.push(`peak:     pass --shape for every input to plan (${inputs.join(', ')})`);
  out.push(`unsupported ops: ${unsupported.length ? unsupported.join(', ') : 'none'}`);
  for (const p of problems) out.push(`problem:  ${p}`);
  console.log(out.join('\n'));
  return problems.length || unsupported.length ? 1 : 0;
}
