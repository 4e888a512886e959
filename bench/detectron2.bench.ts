// The detectron2 wrapper's own cost around the net, on the demo sample val_0004.jpg (444x332,
// 43 detections with masks): JPEG decode (ours, bit-exact with libjpeg-turbo, vs jpeg-js),
// Pillow-exact resize, data/im_info, post-processing (mask paste), JSON (RLE), the picture, and
// one run of the net for scale. CPU time, best of N, all in one process.
// Run: npm run bench -- detectron2   (needs ../shared/demo)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Caffe2Model } from '../src/caffe2/model.js';
import { readNpy } from '../src/core/npy.js';
import type { Tensor } from '../src/core/tensor.js';
import { Detectron2Predictor } from '../src/detectron2/api.js';
import { decodeImage } from '../src/detectron2/decode.js';
import { resolveSettings } from '../src/detectron2/meta.js';
import { postprocess } from '../src/detectron2/postprocess/index.js';

// jpeg-js is a benchmark peer only (bench/package.json): `npm --prefix bench install`
const jpeg = createRequire(join(process.cwd(), 'bench/package.json'))('jpeg-js') as {
  decode(b: Uint8Array, o: { useTArray: boolean; formatAsRGBA: boolean }): unknown;
};
import { batchInputs, prepareImage } from '../src/detectron2/preprocess.js';
import { resizeBilinearU8 } from '../src/detectron2/resize.js';
import { resultToJson } from '../src/detectron2/results.js';
import { visualize } from '../src/detectron2/visualize.js';
import { convertOnnx } from '../src/onnx/convert.js';
import { defaultRegistry } from '../src/ops/index.js';
import { bestMs, fmt, table } from './kernels/bench_util.js';

const DEMO = process.env['CAFFE2_TS_SHARED'] ? join(process.env['CAFFE2_TS_SHARED'], 'demo') : '../shared/demo';
const file = (...p: string[]) => new Uint8Array(readFileSync(join(DEMO, ...p)));
const npy = (...p: string[]) => readNpy(file(...p));

const bytes = file('samples', 'val_0004.jpg');
const img = decodeImage(bytes);
const outputs = new Map<string, Tensor>();
for (const b of ['bbox_nms', 'score_nms', 'class_nms', 'mask_fcn_probs']) outputs.set(b, npy('golden', 'val_0004', 'graph_outputs', `${b}.npy`));
const ii = npy('golden', 'val_0004', 'im_info.npy').data as Float32Array;
const settings = resolveSettings({});
const sizes = [{ origHeight: img.height, origWidth: img.width, height: ii[0]!, width: ii[1]! }];
const [result] = postprocess(outputs, sizes, settings);
const prepared = prepareImage(img, { minSize: 320, maxSize: 512, inputFormat: 'BGR' });

const rows: [string, number][] = [];
const add = async (name: string, fn: () => unknown, budget = 300, min = 3): Promise<number> => {
  const ms = await bestMs(fn, budget, min);
  rows.push([name, ms]);
  return ms;
};

const ours = await add('decode JPEG (ours, libjpeg-turbo exact)', () => decodeImage(bytes));
const peer = await add('decode JPEG (jpeg-js)', () => jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false }));
await add('resize 444x332 -> 428x320 (Pillow exact)', () => resizeBilinearU8(img.data, img.height, img.width, 3, 320, 428));
await add('prepare + data/im_info', () => batchInputs([prepareImage(img, { minSize: 320, maxSize: 512, inputFormat: 'BGR' })], { sizeDivisibility: 32 }));
const post = await add('post-process (43 masks pasted)', () => postprocess(outputs, sizes, settings));
await add('JSON (43 RLE masks)', () => JSON.stringify(resultToJson(result!)));
await add('picture (score >= 0.5)', () => visualize(img.data, img.width, img.height, result!, { scoreThreshold: 0.5 }));

const conv = convertOnnx(file('model.onnx'), { config: readFileSync(join(DEMO, 'config.yaml'), 'utf8'), noPlan: true });
const p = new Detectron2Predictor(new Caffe2Model(conv.predictNet, conv.initNet, { registry: defaultRegistry }));
const { data, imInfo } = p.inputs(prepared);
const net = await add('net (converted demo Mask R-CNN, 1 run)', () => p.model.run({ data, im_info: imInfo }), 1, 1);

table(['step', 'ms (CPU, best)', 'share of net'], rows.map(([n, ms]) => [n, fmt(ms, 2), `${fmt((100 * ms) / net, 1)}%`]));
console.log(`\nour JPEG decoder vs jpeg-js: ${fmt(peer / ours, 2)}x the speed (bit-exact with Pillow vs up to 72 levels off)`);
console.log(`post-processing is ${fmt((100 * post) / net, 1)}% of the net's time`);
