// Transpose and the other data-movement kernels on shapes of an R50-FPN Mask R-CNN at 800x1333:
// fast vs reference (one mitata summary per shape -> ratios), NCHW<->NHWC against a plain memcpy
// of the same bytes (the floor), and onnxruntime-node's Transpose when bench/node_modules has it.
// Run: npm run bench -- transpose   (one run; figures are for this machine only)
import { bench, do_not_optimize, group, run, summary } from 'mitata';
import { createRequire } from 'node:module';
import { concatAxis } from '../../kernels/copy.js';
import { concatAxis as concatRef } from '../../kernels/reference/copy.js';
import { gather } from '../../kernels/gather.js';
import { gather as gatherRef } from '../../kernels/reference/gather.js';
import { transpose } from '../../kernels/transpose.js';
import { transpose as transposeRef } from '../../kernels/reference/transpose.js';
import { encodeMessage } from '../../src/proto/codec.js';
import { onnxSchema } from '../../src/proto/schema.js';

const numel = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
function data(n: number): Float32Array {
  const x = new Float32Array(n);
  let s = 1;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; x[i] = s / 4294967296 - 0.5; }
  return x;
}
const words = (f: Float32Array) => new Int32Array(f.buffer, f.byteOffset, f.length);

/** A one-node ONNX Transpose model for onnxruntime. */
function transposeModel(dims: readonly number[], perm: readonly number[]): Uint8Array {
  const vi = (name: string, d: readonly number[]) => ({
    name, type: { tensor_type: { elem_type: 1, shape: { dim: d.map((v) => ({ dim_value: BigInt(v) })) } } },
  });
  return encodeMessage(onnxSchema().message('onnx.ModelProto'), {
    ir_version: 8n, opset_import: [{ domain: '', version: 13n }],
    graph: {
      name: 't', node: [{ op_type: 'Transpose', input: ['x'], output: ['y'], attribute: [{ name: 'perm', type: 7, ints: BigInt64Array.from(perm, BigInt) }] }],
      input: [vi('x', dims)], output: [vi('y', perm.map((a) => dims[a]!))],
    },
  });
}

type Ort = { InferenceSession: { create(b: Uint8Array, o: object): Promise<{ run(f: object): Promise<unknown> }> }; Tensor: new (t: string, d: Float32Array, s: readonly number[]) => unknown };
let ort: Ort | undefined;
// peers live in bench/node_modules (bench/package.json); benchmarks run from the repo root
try { ort = createRequire(`${process.cwd()}/bench/package.json`)('onnxruntime-node') as Ort; } catch { ort = undefined; }

const SHAPES: { name: string; dims: number[]; perm: number[] }[] = [
  { name: 'P3 [1,256,100,168] NCHW->NHWC', dims: [1, 256, 100, 168], perm: [0, 2, 3, 1] },
  { name: 'P3 [1,100,168,256] NHWC->NCHW', dims: [1, 100, 168, 256], perm: [0, 3, 1, 2] },
  { name: 'image [1,800,1344,3] HWC->CHW', dims: [1, 800, 1344, 3], perm: [0, 3, 1, 2] },
  { name: 'RoI features [512,256,7,7] -> [512,7,7,256]', dims: [512, 256, 7, 7], perm: [0, 2, 3, 1] },
];

for (const s of SHAPES) {
  const x = data(numel(s.dims)), y = new Float32Array(x.length);
  const xw = words(x), yw = words(y);
  const session = ort ? await ort.InferenceSession.create(transposeModel(s.dims, s.perm), { intraOpNumThreads: 1, interOpNumThreads: 1 }) : undefined;
  const feed = ort ? { x: new ort.Tensor('float32', x, s.dims) } : undefined;
  summary(() => {
    group(`transpose ${s.name} (${(x.length * 4 / 1e6).toFixed(1)} MB)`, () => {
      bench('fast', () => transpose(yw, xw, s.dims, s.perm)).baseline(true);
      bench('reference', () => transposeRef(yw, xw, s.dims, s.perm));
      bench('memcpy of the same bytes', () => yw.set(xw));
      if (session) bench('onnxruntime-node (1 thread)', async () => do_not_optimize(await session.run(feed!)));
    });
  });
}

// Concat of the 4 FPN-level RoIAlign outputs along axis 0 (box head: 512 RoIs x 256 x 7 x 7)
{
  const parts = [128, 200, 100, 84].map((r) => words(data(r * 256 * 49)));
  const inners = parts.map((p) => p.length);
  const out = new Int32Array(inners.reduce((a, b) => a + b, 0));
  summary(() => {
    group('concat 4 x [R,256,7,7] along axis 0 (R = 512)', () => {
      bench('fast', () => concatAxis(out, parts, 1, inners)).baseline(true);
      bench('reference', () => concatRef(out, parts, 1, inners));
    });
  });
}

// Gather of 512 rows of 256*7*7 (BatchPermutation-like row gather)
{
  const rows = 512, block = 256 * 49;
  const x = words(data(rows * block)), out = new Int32Array(rows * block);
  const idx = Int32Array.from({ length: rows }, (_, i) => (i * 37) % rows);
  summary(() => {
    group('gather 512 rows of [256,7,7]', () => {
      bench('fast', () => gather(out, x, idx, 1, rows, block, rows, false)).baseline(true);
      bench('reference', () => gatherRef(out, x, idx, 1, rows, block, rows, false));
    });
  });
}

await run();
