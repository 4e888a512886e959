// One peer runtime in its own process (see ort.ts): receives {model, input, dims, budget}, builds a
// session with argv[3] threads, times it on seeded input with the same clock as our kernels (CPU
// time on one thread, wall time on more), replies {ms}.

import { createRequire } from 'node:module';
import { join } from 'node:path';
import { bestMs, seeded } from '../kernels/bench_util.js';
import type { TimeRequest } from './ort.js';

interface OrtTensor { data: Float32Array }
interface OrtSession { run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>; release(): Promise<void> }
interface Ort {
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
  InferenceSession: { create(model: Uint8Array, opts: Record<string, unknown>): Promise<OrtSession> };
  env: { wasm: { numThreads: number } };
}

const kind = process.argv[2] === 'web' ? 'web' : 'node';
const threads = Math.max(1, Number(process.argv[3] ?? 1));
const ort = createRequire(join(process.cwd(), 'bench/package.json'))(kind === 'web' ? 'onnxruntime-web' : 'onnxruntime-node') as Ort;
const opts: Record<string, unknown> = kind === 'web'
  ? { executionProviders: ['wasm'], graphOptimizationLevel: 'all' }
  : { executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' };
if (kind === 'web') ort.env.wasm.numThreads = threads;

process.on('message', (req: TimeRequest) => {
  void (async () => {
    try {
      const s = await ort.InferenceSession.create(req.model, opts);
      const n = req.dims.reduce((a, b) => a * b, 1);
      const x = new ort.Tensor('float32', seeded(n, 1), req.dims);
      const ms = await bestMs(() => s.run({ [req.input]: x }), req.budgetMs, req.min, req.max, threads > 1);
      await s.release();
      process.send!({ ms });
    } catch (e) {
      process.send!({ error: (e as Error).message.split('\n')[0] });
    }
  })();
});
