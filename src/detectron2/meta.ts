// The wrapper's settings: read from the meta args on the predict net (detectron2's
// encode_additional_info keys plus the input/anchor keys our converter adds from the config),
// overridden by caller options, with detectron2's COCO defaults where both are silent.

import { InputError } from '../core/errors.js';
import type { MetaValue } from '../caffe2/model.js';

export type MetaArchitecture = 'GeneralizedRCNN' | 'RetinaNet' | 'PanopticFPN';
export type InputFormat = 'BGR' | 'RGB';

export interface AnchorSettings {
  /** Per level, the anchor sizes (detectron2 ANCHOR_GENERATOR.SIZES after broadcasting). */
  sizes: number[][];
  /** Per level, the aspect ratios (h / w). */
  aspectRatios: number[][];
  /** Per level, the feature stride in input pixels. */
  strides: number[];
  offset: number;
}

export interface RetinaNetSettings {
  scoreThreshold: number;
  topkCandidates: number;
  nmsThreshold: number;
  maxDetections: number;
  bboxRegWeights: [number, number, number, number];
  anchors: AnchorSettings;
}

export interface PanopticSettings {
  /** combine_on (detectron2 <= v0.3): 0 means no panoptic merge, only instances and sem_seg. */
  combineOn: boolean;
  overlapThreshold: number;
  stuffAreaLimit: number;
  instancesConfidenceThreshold: number;
}

export interface D2Settings {
  metaArchitecture: MetaArchitecture;
  sizeDivisibility: number;
  /** ResizeShortestEdge: INPUT.MIN_SIZE_TEST (0 = no resize) and INPUT.MAX_SIZE_TEST. */
  minSize: number;
  maxSize: number;
  inputFormat: InputFormat;
  /** Pad with the graph's pixel mean instead of 0 (not detectron2's behaviour; see preprocess.ts). */
  padWithMean: boolean;
  maskThreshold: number;
  retinanet: RetinaNetSettings;
  panoptic: PanopticSettings;
  /** Class names for instances (thing classes) and semantic labels (stuff classes), when known. */
  thingClasses: string[] | undefined;
  stuffClasses: string[] | undefined;
  keypointNames: string[] | undefined;
  /** Where each value came from: 'meta', 'option' or 'default' (for `info`-style reports). */
  sources: Record<string, 'meta' | 'option' | 'default'>;
  /** Things worth telling the user about the settings (printed by the CLI). */
  notes: string[];
}

/** Caller overrides; each wins over the model's meta. */
export interface D2Options {
  metaArchitecture?: MetaArchitecture;
  sizeDivisibility?: number;
  minSize?: number;
  maxSize?: number;
  inputFormat?: InputFormat;
  padWithMean?: boolean;
  maskThreshold?: number;
  retinanet?: Partial<Omit<RetinaNetSettings, 'anchors'>> & { anchors?: Partial<AnchorSettings> };
  panoptic?: Partial<PanopticSettings>;
  thingClasses?: string[];
  stuffClasses?: string[];
  keypointNames?: string[];
}

/** detectron2's COCO RetinaNet anchors: 3 octave scales per level on P3..P7, ratios 0.5/1/2. */
export function cocoRetinaNetAnchors(): AnchorSettings {
  const base = [32, 64, 128, 256, 512];
  return {
    sizes: base.map((x) => [x, x * 2 ** (1 / 3), x * 2 ** (2 / 3)]),
    aspectRatios: base.map(() => [0.5, 1, 2]),
    strides: [8, 16, 32, 64, 128],
    offset: 0,
  };
}

/** The meta keys this module reads (documented for the converter). */
export const META_KEYS = {
  metaArchitecture: 'meta_architecture', sizeDivisibility: 'size_divisibility',
  minSize: 'min_size_test', maxSize: 'max_size_test', inputFormat: 'input_format',
  scoreThreshold: 'score_threshold', topkCandidates: 'topk_candidates', nmsThreshold: 'nms_threshold',
  maxDetections: 'max_detections_per_image', bboxRegWeights: 'bbox_reg_weights',
  anchorSizes: 'anchor_sizes', anchorSizesPerLevel: 'anchor_sizes_per_level',
  anchorAspectRatios: 'anchor_aspect_ratios', anchorAspectRatiosPerLevel: 'anchor_aspect_ratios_per_level',
  anchorStrides: 'anchor_strides', anchorOffset: 'anchor_offset',
  combineOn: 'combine_on', overlapThreshold: 'combine_overlap_threshold', stuffAreaLimit: 'combine_stuff_area_limit',
  instancesConfidenceThreshold: 'combine_instances_confidence_threshold',
  thingClasses: 'thing_classes', stuffClasses: 'stuff_classes', keypointNames: 'keypoint_names',
} as const;

const ARCHS: readonly MetaArchitecture[] = ['GeneralizedRCNN', 'RetinaNet', 'PanopticFPN'];

class MetaReader {
  readonly sources: Record<string, 'meta' | 'option' | 'default'> = {};
  constructor(private readonly meta: Readonly<Record<string, MetaValue>>, private readonly file: string) {}

  private bad(key: string, want: string, v: MetaValue): never {
    throw new InputError(`meta arg '${key}' must be ${want}, got ${JSON.stringify(v)}`, { file: this.file, arg: key });
  }

  pick<T>(name: string, option: T | undefined, key: string | undefined, read: (v: MetaValue, key: string) => T, dflt: T): T {
    if (option !== undefined) { this.sources[name] = 'option'; return option; }
    if (key !== undefined && this.meta[key] !== undefined) { this.sources[name] = 'meta'; return read(this.meta[key]!, key); }
    this.sources[name] = 'default';
    return dflt;
  }

  // Float meta args are float32 on the wire; an in-memory net (fresh from the converter) may hold
  // the double, so round here to behave the same either way.
  num = (v: MetaValue, key: string): number => (typeof v === 'number' && Number.isFinite(v) ? Math.fround(v) : this.bad(key, 'a number', v));
  int = (v: MetaValue, key: string): number => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : this.bad(key, 'a non-negative integer', v));
  nums = (v: MetaValue, key: string): number[] => (Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]).map(Math.fround) : typeof v === 'number' ? [Math.fround(v)] : this.bad(key, 'a list of numbers', v));
  strs = (v: MetaValue, key: string): string[] => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : typeof v === 'string' ? v.split(',') : this.bad(key, 'a list of strings', v));
  has(key: string): boolean { return this.meta[key] !== undefined; }
  raw(key: string): MetaValue | undefined { return this.meta[key]; }
}

/** Splits a flattened per-level list by its per-level counts; a single level is broadcast. */
function perLevel(flat: number[], counts: number[] | undefined, levels: number, key: string, file: string): number[][] {
  if (!counts) return Array.from({ length: levels }, () => flat.slice());
  const total = counts.reduce((a, b) => a + b, 0);
  if (total !== flat.length) throw new InputError(`meta arg '${key}_per_level' sums to ${total}, but '${key}' has ${flat.length} values`, { file, arg: key });
  const out: number[][] = [];
  let p = 0;
  for (const c of counts) { out.push(flat.slice(p, p + c)); p += c; }
  if (out.length === 1 && levels > 1) return Array.from({ length: levels }, () => out[0]!.slice());
  return out;
}

/**
 * Resolves the wrapper settings. `meta` is the predict net's args (Caffe2Model.meta); `file`
 * names the model in errors. Unknown meta architectures and malformed values are InputErrors.
 */
export function resolveSettings(meta: Readonly<Record<string, MetaValue>>, opts: D2Options = {}, file = 'model.pb'): D2Settings {
  const r = new MetaReader(meta, file);
  const K = META_KEYS;
  const metaArchitecture = r.pick('metaArchitecture', opts.metaArchitecture, K.metaArchitecture, (v, k) => {
    if (typeof v !== 'string' || !ARCHS.includes(v as MetaArchitecture)) {
      throw new InputError(`meta arg '${k}' is ${JSON.stringify(v)}; supported: ${ARCHS.join(', ')}`, { file, arg: k });
    }
    return v as MetaArchitecture;
  }, 'GeneralizedRCNN');
  const inputFormat = r.pick('inputFormat', opts.inputFormat, K.inputFormat, (v, k) => {
    const s = typeof v === 'string' ? v.toUpperCase() : '';
    if (s !== 'BGR' && s !== 'RGB') throw new InputError(`meta arg '${k}' is ${JSON.stringify(v)}; supported: BGR, RGB`, { file, arg: k });
    return s as InputFormat;
  }, 'BGR');

  // The number of levels comes from the strides; default sizes and ratios follow it.
  const coco = cocoRetinaNetAnchors();
  const ao = opts.retinanet?.anchors ?? {};
  const strides = r.pick('anchorStrides', ao.strides, K.anchorStrides, r.nums, coco.strides);
  const levels = strides.length;
  const cocoSizes = Array.from({ length: levels }, (_, l) => coco.sizes[l] ?? coco.sizes[coco.sizes.length - 1]!.map((x) => x * 2 ** (l - coco.sizes.length + 1)));
  const sizes = r.pick('anchorSizes', ao.sizes, K.anchorSizes,
    (v, k) => perLevel(r.nums(v, k), r.has(K.anchorSizesPerLevel) ? r.nums(r.raw(K.anchorSizesPerLevel)!, K.anchorSizesPerLevel) : undefined, levels, 'anchor_sizes', file), cocoSizes);
  const aspectRatios = r.pick('anchorAspectRatios', ao.aspectRatios, K.anchorAspectRatios,
    (v, k) => perLevel(r.nums(v, k), r.has(K.anchorAspectRatiosPerLevel) ? r.nums(r.raw(K.anchorAspectRatiosPerLevel)!, K.anchorAspectRatiosPerLevel) : undefined, levels, 'anchor_aspect_ratios', file), Array.from({ length: levels }, () => [0.5, 1, 2]));
  const offset = r.pick('anchorOffset', ao.offset, K.anchorOffset, r.num, 0);
  const ro = opts.retinanet ?? {};
  const weights = r.pick('bboxRegWeights', ro.bboxRegWeights, K.bboxRegWeights, (v, k) => {
    const w = r.nums(v, k);
    if (w.length !== 4) throw new InputError(`meta arg '${k}' must have 4 values, got ${w.length}`, { file, arg: k });
    return w as [number, number, number, number];
  }, [1, 1, 1, 1] as [number, number, number, number]);

  const s: D2Settings = {
    metaArchitecture,
    sizeDivisibility: r.pick('sizeDivisibility', opts.sizeDivisibility, K.sizeDivisibility, r.int, 0),
    minSize: r.pick('minSize', opts.minSize, K.minSize, r.int, 800),
    maxSize: r.pick('maxSize', opts.maxSize, K.maxSize, r.int, 1333),
    inputFormat,
    padWithMean: opts.padWithMean ?? false,
    maskThreshold: opts.maskThreshold ?? 0.5,
    retinanet: {
      scoreThreshold: r.pick('scoreThreshold', ro.scoreThreshold, K.scoreThreshold, r.num, 0.05),
      topkCandidates: r.pick('topkCandidates', ro.topkCandidates, K.topkCandidates, r.int, 1000),
      nmsThreshold: r.pick('nmsThreshold', ro.nmsThreshold, K.nmsThreshold, r.num, 0.5),
      maxDetections: r.pick('maxDetections', ro.maxDetections, K.maxDetections, r.int, 100),
      bboxRegWeights: weights,
      anchors: { sizes, aspectRatios, strides, offset },
    },
    panoptic: {
      combineOn: r.pick('combineOn', opts.panoptic?.combineOn, K.combineOn, (v, k) => r.num(v, k) !== 0, true),
      overlapThreshold: r.pick('overlapThreshold', opts.panoptic?.overlapThreshold, K.overlapThreshold, r.num, 0.5),
      stuffAreaLimit: r.pick('stuffAreaLimit', opts.panoptic?.stuffAreaLimit, K.stuffAreaLimit, r.int, 4096),
      instancesConfidenceThreshold: r.pick('instancesConfidenceThreshold', opts.panoptic?.instancesConfidenceThreshold, K.instancesConfidenceThreshold, r.num, 0.5),
    },
    thingClasses: r.pick('thingClasses', opts.thingClasses, K.thingClasses, r.strs, undefined as string[] | undefined),
    stuffClasses: r.pick('stuffClasses', opts.stuffClasses, K.stuffClasses, r.strs, undefined as string[] | undefined),
    keypointNames: r.pick('keypointNames', opts.keypointNames, K.keypointNames, r.strs, undefined as string[] | undefined),
    sources: r.sources,
    notes: [],
  };
  if (metaArchitecture === 'RetinaNet' && meta['serialized_anchor_generator'] !== undefined && r.sources['anchorSizes'] === 'default') {
    // detectron2's own export pickles its anchor generator with torch.save; we do not unpickle it.
    s.notes.push("the net's anchors are only in 'serialized_anchor_generator' (a torch pickle, not read here): using detectron2's COCO RetinaNet anchors; convert with --config to store them as anchor_* meta");
  }
  const a = s.retinanet.anchors;
  if (a.sizes.length !== a.strides.length || a.aspectRatios.length !== a.strides.length) {
    throw new InputError(`anchor settings disagree on the number of levels: ${a.sizes.length} size lists, ${a.aspectRatios.length} aspect-ratio lists, ${a.strides.length} strides`, { file, arg: K.anchorSizes });
  }
  if (s.maxSize <= 0) throw new InputError(`max_size_test must be positive, got ${s.maxSize}`, { file, arg: K.maxSize });
  return s;
}

/** The outputs each meta architecture needs from the net, for a clear error before running. */
export function requiredOutputs(arch: MetaArchitecture): string[] {
  if (arch === 'RetinaNet') return ['box_cls_0', 'box_delta_0'];
  if (arch === 'PanopticFPN') return ['bbox_nms', 'score_nms', 'class_nms', 'sem_seg'];
  return ['bbox_nms', 'score_nms', 'class_nms'];
}

/** Throws naming the model when its outputs do not fit the meta architecture. */
export function checkOutputs(arch: MetaArchitecture, outputs: readonly string[], file: string, archFromMeta: boolean): void {
  const missing = requiredOutputs(arch).filter((n) => !outputs.includes(n));
  if (!missing.length) return;
  const how = archFromMeta ? `its meta says meta_architecture '${arch}'` : `it has no 'meta_architecture' meta arg, so detectron2's default '${arch}' applies`;
  throw new InputError(`the net's outputs (${outputs.join(', ') || 'none'}) lack ${missing.map((m) => `'${m}'`).join(', ')}, which ${arch} post-processing needs; ${how}. Convert the model with its detectron2 config (convert --config) or pass --meta-architecture`, { file });
}
