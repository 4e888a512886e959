// `caffe2-ts run <model_dir> --input name=file.npy ... --output out/`: feeds .npy inputs, runs
// the predict net and writes every external output as <blob>.npy.
// --trace prints each op with its shapes and time; --profile sums time per op type;
// --stop-after <op index | blob> stops there and dumps every live blob.

import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import { shapeStr } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import type { OpEvent } from '../caffe2/runner.js';
import { readTensorFile, writeNpyFile } from '../node/files.js';
import { parseArgv } from './args.js';
import { ENGINE_FLAGS, engineLabel, engineOptions, loadWithProgress } from './common.js';

export const usage = 'caffe2-ts run <model_dir | model.pb> [--init model_init.pb] --input name=file.npy|blobs.pb... [--output dir] [--trace] [--profile] [--stop-after op|blob] [--repeat N] [--threads N] [--no-simd] [--no-fma]';

/** A blob name as a file name: path separators and odd characters replaced. */
export function blobFileName(name: string): string {
  return name.replace(/[/\\:*?"<>|]/g, '_') + '.npy';
}

export function profileTable(events: readonly OpEvent[], totalMs: number, top = 10): string {
  const byType = new Map<string, { ms: number; n: number }>();
  for (const e of events) {
    const r = byType.get(e.opType) ?? { ms: 0, n: 0 };
    r.ms += e.ms; r.n++;
    byType.set(e.opType, r);
  }
  const lines = ['time per op type:'];
  for (const [t, r] of [...byType].sort((a, b) => b[1].ms - a[1].ms)) {
    lines.push(`  ${t.padEnd(28)} ${r.ms.toFixed(1).padStart(9)} ms ${(100 * r.ms / totalMs).toFixed(1).padStart(5)}%  x${r.n}`);
  }
  lines.push(`top ${top} ops:`);
  for (const e of [...events].sort((a, b) => b.ms - a.ms).slice(0, top)) {
    lines.push(`  #${String(e.opIndex).padEnd(5)} ${e.opType.padEnd(24)} ${e.ms.toFixed(1).padStart(9)} ms  ${e.inputs.map((t) => shapeStr(t.shape)).join(' ')} -> ${e.outputs.map((t) => shapeStr(t.shape)).join(' ')}`);
  }
  lines.push(`total ${totalMs.toFixed(1)} ms`);
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const a = parseArgv(argv, {
    init: {}, input: { multi: true, short: 'i' }, output: { short: 'o' }, trace: { bool: true },
    profile: { bool: true }, 'stop-after': {}, repeat: {}, ...ENGINE_FLAGS,
  });
  const path = a.positional[0];
  if (!path || a.positional.length > 1) throw new InputError(`usage: ${usage}`);
  const model = loadWithProgress(path, a.str('init'), engineOptions(a));
  const feeds = new Map<string, Tensor>();
  for (const spec of a.all('input')) {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new InputError(`--input expects name=file.npy, got '${spec}'`);
    feeds.set(spec.slice(0, eq), readTensorFile(spec.slice(eq + 1), spec.slice(0, eq)));
  }
  const stop = a.str('stop-after');
  const events: OpEvent[] = [];
  const trace = a.bool('trace');
  const repeat = a.num('repeat') ?? 1;
  let res;
  let ms = 0;
  for (let r = 0; r < repeat; r++) {
    events.length = 0;
    const t0 = performance.now();
    res = model.runDetailed(feeds, {
      ...(stop !== undefined ? { stopAfter: /^\d+$/.test(stop) ? Number(stop) : stop } : {}),
      ...(trace || a.bool('profile') ? {
        onOp: (e: OpEvent) => {
          events.push(e);
          if (trace) console.error(`#${e.opIndex} ${e.opType} ${e.inputs.map((t) => shapeStr(t.shape)).join(' ')} -> ${e.outputs.map((t) => `${t.dtype}${shapeStr(t.shape)}`).join(' ')} ${e.ms.toFixed(2)} ms`);
        },
      } : {}),
    });
    ms = performance.now() - t0;
  }
  const result = res!;
  const dump = result.blobs ?? result.outputs;
  const outDir = a.str('output');
  for (const [name, t] of dump) {
    if (outDir) writeNpyFile(join(outDir, blobFileName(name)), t);
    console.log(`${name}: ${t.dtype}${shapeStr(t.shape)}`);
  }
  if (a.bool('profile')) console.log(`profile of ${repeat > 1 ? `the last of ${repeat} runs` : 'one run'} (${engineLabel(model)}):\n${profileTable(events, ms)}`);
  else console.error(`ran in ${ms.toFixed(1)} ms`);
  return 0;
}
