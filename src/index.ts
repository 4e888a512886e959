/**
 * caffe2-ts: run detectron2's Caffe2 deployment format (model.pb + model_init.pb) in pure
 * TypeScript. This entry point is browser-safe (no Node built-ins): bytes in, tensors out.
 *
 * @example
 * ```ts
 * import { loadCaffe2Model, Tensor } from 'caffe2-ts';
 * const model = loadCaffe2Model(predictBytes, initBytes);       // Uint8Array, or .pbtxt text
 * model.inputNames;                                             // ['data', 'im_info']
 * model.meta;                                                   // { meta_architecture: 'GeneralizedRCNN', ... }
 * const out = model.run({ data: new Tensor('float32', [1, 3, 320, 448], pixels),
 *                         im_info: Tensor.from('float32', [1, 3], [320, 448, 1]) });
 * out.get('bbox_nms');                                          // Tensor<float32> [N, 4]
 * ```
 * @packageDocumentation
 */

import { Caffe2Model, type LoadOptions } from './caffe2/model.js';
import { defaultRegistry } from './ops/index.js';
import { caffe2Message, decodeNetDef, type NetDef } from './proto/caffe2.js';
import { parseText, printText } from './proto/text.js';

export { Tensor, type ValueInfo } from './core/tensor.js';
export type { DType } from './core/dtype.js';
export * from './core/errors.js';
export { readNpy, writeNpy } from './core/npy.js';
export { Caffe2Model, readMeta, type LoadOptions, type MetaValue } from './caffe2/model.js';
export { setFma, type SpawnWorker } from '../kernels/engine.js';
export type { WorkerInit } from '../kernels/parallel.js';
export { webWorkerSpawner, startKernelWorker, browserThreads } from './web/threads.js';
export type { Plan, PlanOptions } from './caffe2/planner.js';
export type { RunOptions, RunResult, OpEvent } from './caffe2/runner.js';
export { decodeNetDef, encodeNetDef, type NetDef, type OperatorDef, type Argument, type TensorProto } from './proto/caffe2.js';
export { readTensorProtos, writeTensorProtos, tensorFromProto, tensorToProto, type ToProtoOptions } from './caffe2/tensor_proto.js';
export { OpRegistry } from './ops/registry.js';
export { defaultRegistry, ALL_OPS } from './ops/index.js';
/** ONNX -> Caffe2 lowering (detectron2's export path): bytes in, NetDefs and file bytes out. */
export { convertOnnx, convertOnnxModel, type ConvertOptions, type ConvertResult } from './onnx/convert.js';
export { encodeNets, type ModelFiles } from './onnx/writer.js';
export { renderSvg, type SvgOptions } from './onnx/svg.js';
export { META_KEYS as CONVERT_META_KEYS, type MetaEntry } from './onnx/meta.js';

/** A serialized NetDef: binary protobuf (`model.pb`) or protobuf text (`model.pbtxt`). */
export type NetBytes = Uint8Array | string;

/** Parses a NetDef from protobuf text format, as Caffe2 writes `model.pbtxt`. */
export function parseNetDefText(text: string, file = 'model.pbtxt'): NetDef {
  return parseText<NetDef>(text, caffe2Message('NetDef'), file);
}

/** Prints a NetDef in protobuf text format (one field per line, two-space indent). */
export function printNetDefText(net: NetDef): string {
  return printText(net as never, caffe2Message('NetDef'));
}

function netFrom(b: NetBytes, file: string, onProgress?: (done: number, total: number) => void): NetDef {
  return typeof b === 'string' ? parseNetDefText(b, file) : decodeNetDef(b, { file, ...(onProgress ? { onProgress } : {}) });
}

/**
 * Loads a Caffe2 model from its predict net (`model.pb`) and init net (`model_init.pb`), each
 * as bytes or as protobuf text. The init net runs once, filling the weights; the predict net is
 * compiled (every op resolved, every arg checked). Throws an {@link UnsupportedOpsError} listing
 * every op of either net the runtime lacks, a {@link PlanError} for several problems at once, or
 * a {@link ModelFormatError} for a truncated or corrupt file.
 */
export function loadCaffe2Model(predict: NetBytes, init?: NetBytes, opts: Partial<LoadOptions> = {}): Caffe2Model {
  const o: LoadOptions = { registry: defaultRegistry, ...opts };
  const predictFile = o.predictFile ?? (typeof predict === 'string' ? 'model.pbtxt' : 'model.pb');
  const initFile = o.initFile ?? (typeof init === 'string' ? 'model_init.pbtxt' : 'model_init.pb');
  const progress = o.onProgress ? (d: number, t: number) => o.onProgress!(d, t, 'decode') : undefined;
  const initNet = init === undefined ? undefined : netFrom(init, initFile, progress);
  return new Caffe2Model(netFrom(predict, predictFile), initNet, { ...o, predictFile, initFile });
}

// detectron2 wrapper: images in, detectron2 results out (Caffe2Model.__call__'s pre/post-processing).
export { Detectron2Predictor, graphPixelMean, type Prediction, type PredictorOptions } from './detectron2/api.js';
export { decodeImage, type DecodedImage } from './detectron2/decode.js';
export type { RgbImage } from './detectron2/image.js';
export { resolveSettings, type D2Options, type D2Settings, type MetaArchitecture, type InputFormat } from './detectron2/meta.js';
export { prepareImage, batchInputs, resizedSize, type PreparedImage } from './detectron2/preprocess.js';
export { postprocess, type D2Result, type Instances, type ImageSizes } from './detectron2/postprocess/index.js';
export { resultToJson, type ResultJson } from './detectron2/results.js';

// COCO evaluation with pycocotools' semantics (parsed JSON in; stats, per-category AP and
// detectron2's tables out) and COCO's RLE mask utilities.
export {
  CocoDataset, CocoEval, evaluateResults, predictionsToCocoResults, defaultParams,
  type CocoEvalReport, type CategoryAp, type CocoResult, type IouType, type EvalParams, type Accumulated,
} from './eval/index.js';
export {
  rleEncode, rleDecode, rleToString, rleFromString, rleFromJson, rleToJson, rleArea, rleToBbox, rleMerge,
  rleFromPolygon, rleFromBbox, segmentationToRle, rleIou, bboxIou, computeOks, COCO_KPT_OKS_SIGMAS, type Rle, type RleJson,
} from './eval/index.js';
export { encodeMask, decodeMask, type CocoRle } from './eval/rle.js';
export { visualize, drawInstancePredictions, drawPanopticSeg, type VisOptions } from './detectron2/visualize.js';
export type { Canvas } from './detectron2/draw.js';
