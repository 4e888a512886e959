// The detectron2 wrapper as a library: Caffe2Model + settings -> images in, detectron2 results
// out (Caffe2Model.__call__ with its pre- and post-processing). Browser-safe: images are RGB(A)
// pixel arrays, or JPEG/PNG bytes through decodeImage.

import { InputError, NotSupportedError } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import type { Caffe2Model } from '../caffe2/model.js';
import type { RunOptions } from '../caffe2/runner.js';
import { COCO_THING_CLASSES } from './coco.js';
import { toRgb, type RgbImage } from './image.js';
import { checkOutputs, resolveSettings, type D2Options, type D2Settings } from './meta.js';
import { postprocess, type D2Result } from './postprocess/index.js';
import { batchInputs, prepareImage, type PreparedImage } from './preprocess.js';
import { resultToJson, type JsonOptions, type ResultJson } from './results.js';
import { visualize, type VisOptions } from './visualize.js';
import type { Canvas } from './draw.js';

export interface Prediction {
  result: D2Result;
  /** The graph inputs that were fed. */
  data: Tensor<'float32'>;
  imInfo: Tensor<'float32'>;
  prepared: PreparedImage;
  /** Raw graph outputs, by blob name. */
  outputs: Map<string, Tensor>;
  /** Milliseconds spent in pre-processing, the net and post-processing. */
  ms: { pre: number; net: number; post: number };
}

export interface PredictorOptions extends D2Options {
  /** Passed to every run (trace hooks, stop-after). */
  run?: RunOptions;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * Walks from `data` through Cast/Copy ops to the Sub that normalises it and returns the constant
 * it subtracts (the pixel mean, in the model's channel order), or undefined.
 */
export function graphPixelMean(model: Caffe2Model, dataName: string): number[] | undefined {
  let blob = dataName;
  for (const op of model.predictNet.op) {
    if (!op.input.includes(blob)) continue;
    if ((op.type === 'Cast' || op.type === 'Copy') && op.output[0]) { blob = op.output[0]; continue; }
    if (op.type !== 'Sub' || op.input[0] !== blob) return undefined;
    const t = model.workspace.get(op.input[1] ?? '');
    if (!t || t.dtype === 'string' || t.size !== 3) return undefined;
    return t.toNumbers();
  }
  return undefined;
}

/**
 * A detectron2 Caffe2 model with its input and output processing. Settings come from the net's
 * meta args (what the converter wrote from the detectron2 config), then `opts` overrides.
 */
export class Detectron2Predictor {
  readonly settings: D2Settings;
  /** The mean subtracted by the graph (model channel order), when it has one. */
  readonly pixelMean: number[] | undefined;
  /** Normalisation done outside the graph (meta pixel_mean / pixel_std), when the graph lacks it. */
  readonly normalize: { mean: number[]; std: number[] } | undefined;
  readonly dataName: string;
  readonly imInfoName: string;
  readonly thingClasses: readonly string[] | undefined;
  private readonly file: string;

  constructor(readonly model: Caffe2Model, private readonly opts: PredictorOptions = {}) {
    this.file = model.opts.predictFile ?? 'model.pb';
    this.settings = resolveSettings(model.meta, opts, this.file);
    checkOutputs(this.settings.metaArchitecture, model.outputNames, this.file, this.settings.sources['metaArchitecture'] !== 'default');
    const ins = model.inputNames;
    if (ins.length !== 2) {
      throw new InputError(`a detectron2 Caffe2 model takes 2 inputs (data, im_info), this one takes ${ins.length} (${ins.join(', ') || 'none'})`, { file: this.file });
    }
    // ProtobufModel feeds its inputs positionally: data, then im_info.
    this.dataName = ins.includes('data') ? 'data' : ins[0]!;
    this.imInfoName = ins.includes('im_info') ? 'im_info' : ins.find((n) => n !== this.dataName)!;
    this.pixelMean = graphPixelMean(model, this.dataName);
    const m = model.meta;
    if (!this.pixelMean && Array.isArray(m['pixel_mean']) && Array.isArray(m['pixel_std'])) {
      this.normalize = { mean: (m['pixel_mean'] as number[]).map(Number), std: (m['pixel_std'] as number[]).map(Number) };
    }
    if (this.settings.padWithMean && !this.pixelMean && !this.normalize) {
      throw new NotSupportedError(`--pad-with-mean needs the pixel mean, but '${this.dataName}' is not normalised by a Sub of a constant in the graph and the net has no pixel_mean meta`, { file: this.file });
    }
    const numClasses = typeof m['num_classes'] === 'number' ? m['num_classes'] : undefined;
    this.thingClasses = this.settings.thingClasses ?? (numClasses === undefined || numClasses === 80 ? COCO_THING_CLASSES : undefined);
  }

  /** Resizes and converts one image as detectron2's test loader does. */
  prepare(img: RgbImage, name?: string): PreparedImage {
    const s = this.settings;
    return prepareImage(img, { minSize: s.minSize, maxSize: s.maxSize, inputFormat: s.inputFormat }, name);
  }

  /** `data` and `im_info` for one prepared image (padding per settings). */
  inputs(p: PreparedImage): { data: Tensor<'float32'>; imInfo: Tensor<'float32'> } {
    const s = this.settings;
    const pad = s.padWithMean ? (this.pixelMean ?? [0, 0, 0]) : undefined;
    const b = batchInputs([p], { sizeDivisibility: s.sizeDivisibility, ...(pad && !this.normalize ? { padValue: pad } : {}) });
    if (this.normalize) {
      // The graph expects normalised data; padding stays 0 after normalising only with --pad-with-mean.
      const { mean, std } = this.normalize, d = b.data.data, [, , H, W] = b.data.shape as [number, number, number, number];
      for (let c = 0; c < 3; c++) {
        for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
          const i = (c * H + y) * W + x, inside = y < p.height && x < p.width;
          d[i] = inside || !s.padWithMean ? Math.fround(Math.fround(d[i]! - mean[c]!) / std[c]!) : 0;
        }
      }
    }
    return b;
  }

  /** Runs one image (RGB or RGBA pixels) through pre-processing, the net and post-processing. */
  predict(img: RgbImage, name?: string): Prediction {
    const t0 = now();
    const prepared = this.prepare(img, name);
    const { data, imInfo } = this.inputs(prepared);
    const t1 = now();
    const outputs = this.model.run(new Map([[this.dataName, data], [this.imInfoName, imInfo]]), this.opts.run ?? {});
    const t2 = now();
    const [result] = postprocess(outputs, [{ origHeight: prepared.origHeight, origWidth: prepared.origWidth, height: Math.trunc(imInfo.data[0]!), width: Math.trunc(imInfo.data[1]!) }], this.settings);
    const t3 = now();
    return { result: result!, data, imInfo, prepared, outputs, ms: { pre: t1 - t0, net: t2 - t1, post: t3 - t2 } };
  }

  /**
   * Several images. RetinaNet's outputs carry the batch, so its images run as one padded batch
   * (as detectron2's RetinaNet converter handles it); R-CNN nets have no batch split in their
   * outputs (detectron2 asserts one image), so those run one image at a time.
   */
  predictBatch(images: readonly RgbImage[], names: readonly string[] = []): D2Result[] {
    if (this.settings.metaArchitecture !== 'RetinaNet' || images.length < 2) return images.map((im, i) => this.predict(im, names[i]).result);
    const prepared = images.map((im, i) => this.prepare(im, names[i]));
    const s = this.settings;
    const pad = s.padWithMean && !this.normalize ? this.pixelMean : undefined;
    const { data, imInfo } = batchInputs(prepared, { sizeDivisibility: s.sizeDivisibility, ...(pad ? { padValue: pad } : {}) });
    const outputs = this.model.run(new Map([[this.dataName, data], [this.imInfoName, imInfo]]), this.opts.run ?? {});
    return postprocess(outputs, prepared.map((p) => ({ origHeight: p.origHeight, origWidth: p.origWidth, height: p.height, width: p.width })), s);
  }

  /** The JSON we write for a result (detectron2 field names). */
  toJson(r: D2Result, o: Omit<JsonOptions, 'thingClasses' | 'stuffClasses' | 'metaArchitecture'> = {}): ResultJson {
    return resultToJson(r, {
      ...o, metaArchitecture: this.settings.metaArchitecture,
      ...(this.thingClasses ? { thingClasses: this.thingClasses } : {}),
      ...(this.settings.stuffClasses ? { stuffClasses: this.settings.stuffClasses } : {}),
    });
  }

  /** The picture of a result over the original image, as detectron2's Visualizer draws it. */
  render(img: RgbImage, r: D2Result, o: VisOptions = {}): Canvas {
    return visualize(toRgb(img), img.width, img.height, r, {
      scoreThreshold: 0.5,
      ...(this.thingClasses ? { thingClasses: this.thingClasses } : {}),
      ...(this.settings.stuffClasses ? { stuffClasses: this.settings.stuffClasses } : {}),
      ...(this.settings.keypointNames ? { keypointNames: this.settings.keypointNames } : {}),
      ...o,
    });
  }
}
