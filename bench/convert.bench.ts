// ONNX -> Caffe2 conversion of the golden Mask R-CNN (4.7 MB ONNX, 228 nodes): reading the ONNX
// with our codec vs protobufjs (ratio), and the conversion stages against the read (lowering with
// constant folding, detectron2's fixes, the plan at the traced size, writing the files).
// Run: npm run bench -- convert   (one mitata run; needs ../shared/golden)
import { bench, do_not_optimize, run, summary } from 'mitata';
import protobuf from 'protobufjs';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertOnnxModel } from '../src/onnx/convert.js';
import { lowerGraph } from '../src/onnx/lower.js';
import { readOnnxModel } from '../src/onnx/reader.js';
import { encodeNets } from '../src/onnx/writer.js';
import { onnxProto } from '../src/proto/embedded.js';
import { sharedDir } from '../test/helpers/paths.js';

const dir = sharedDir() ? join(sharedDir()!, 'golden', 'mask_rcnn_fpn') : undefined;
if (!dir || !existsSync(join(dir, 'model.onnx'))) {
  console.log('convert bench: no ../shared/golden/mask_rcnn_fpn, nothing to measure');
  process.exit(0);
}
const bytes = new Uint8Array(readFileSync(join(dir, 'model.onnx')));
const config = readFileSync(join(dir, 'config.yaml'), 'utf8');
const PbModel = protobuf.parse(onnxProto, { keepCase: true }).root.lookupType('onnx.ModelProto');
const model = readOnnxModel(bytes);
const converted = convertOnnxModel(model, { config });

summary(() => {
  bench('read model.onnx: caffe2-ts', () => do_not_optimize(readOnnxModel(bytes))).baseline(true);
  bench('read model.onnx: protobufjs decode', () => do_not_optimize(PbModel.decode(bytes)));
  bench('lower (rules + constant folding)', () => do_not_optimize(lowerGraph(model)));
  bench('convert without the plan (lower + fixes + meta + nets)', () => do_not_optimize(convertOnnxModel(model, { config, noPlan: true })));
  bench('convert (with the plan at the traced size)', () => do_not_optimize(convertOnnxModel(model, { config })));
  bench('write model.pb + model_init.pb + model.pbtxt', () => do_not_optimize(encodeNets(converted)));
});

await run();
