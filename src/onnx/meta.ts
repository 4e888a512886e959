// Meta information written as predict-net args, so a converted model dir is self-contained.
// detectron2's `encode_additional_info` writes size_divisibility, device, meta_architecture (and
// RetinaNet's and PanopticFPN's inference settings); we also write what its wrapper otherwise takes
// from the config. Values come from detectron2's config.yaml when given (--config), else from
// what the graph shows, else detectron2's COCO defaults; single flags override any of them.
//
// | key                                    | arg    | archs          | config key (detectron2)                     | default           |
// |----------------------------------------|--------|----------------|---------------------------------------------|-------------------|
// | size_divisibility                      | i      | all            | 32 if MODEL.BACKBONE.NAME has "fpn", else 0 | graph: 32 w/ FPN  |
// | device                                 | s      | all            | MODEL.DEVICE                                | cpu               |
// | meta_architecture                      | s      | all            | MODEL.META_ARCHITECTURE                     | graph outputs     |
// | min_size_test                          | i      | all            | INPUT.MIN_SIZE_TEST                         | 800               |
// | max_size_test                          | i      | all            | INPUT.MAX_SIZE_TEST                         | 1333              |
// | input_format                           | s      | all            | INPUT.FORMAT                                | BGR               |
// | pixel_mean, pixel_std                  | floats | all, only when the graph does not normalise `data` | MODEL.PIXEL_MEAN / PIXEL_STD | COCO BGR |
// | num_classes                            | i      | all            | ROI_HEADS.NUM_CLASSES (RetinaNet: RETINANET.NUM_CLASSES) | graph, else 80 |
// | max_detections_per_image               | i      | all            | TEST.DETECTIONS_PER_IMAGE                   | 100               |
// | num_keypoints                          | i      | R-CNN with a keypoint output | ROI_KEYPOINT_HEAD.NUM_KEYPOINTS | graph, else 17  |
// | score_threshold                        | f      | RetinaNet      | RETINANET.SCORE_THRESH_TEST                 | 0.05              |
// | topk_candidates                        | i      | RetinaNet      | RETINANET.TOPK_CANDIDATES_TEST              | 1000              |
// | nms_threshold                          | f      | RetinaNet      | RETINANET.NMS_THRESH_TEST                   | 0.5               |
// | bbox_reg_weights                       | floats | RetinaNet      | RETINANET.BBOX_REG_WEIGHTS                  | 1, 1, 1, 1        |
// | anchor_sizes                           | floats | RetinaNet      | ANCHOR_GENERATOR.SIZES, per level, flattened | x·2^(k/3), x = 32..512 |
// | anchor_sizes_per_level                 | ints   | RetinaNet      | how many of anchor_sizes each level takes   | 3, 3, 3, 3, 3     |
// | anchor_aspect_ratios                   | floats | RetinaNet      | ANCHOR_GENERATOR.ASPECT_RATIOS, per level, flattened | 0.5, 1, 2 per level |
// | anchor_aspect_ratios_per_level         | ints   | RetinaNet      | how many ratios each level takes            | 3, 3, 3, 3, 3     |
// | anchor_strides                         | ints   | RetinaNet      | 2^k for RETINANET.IN_FEATURES "pk"          | 8, 16, 32, 64, 128 |
// | anchor_offset                          | f      | RetinaNet      | ANCHOR_GENERATOR.OFFSET                     | 0.0               |
// | combine_on                             | i      | PanopticFPN    | PANOPTIC_FPN.COMBINE.ENABLED                | 1                 |
// | combine_overlap_threshold              | f      | PanopticFPN    | PANOPTIC_FPN.COMBINE.OVERLAP_THRESH         | 0.5               |
// | combine_stuff_area_limit               | i      | PanopticFPN    | PANOPTIC_FPN.COMBINE.STUFF_AREA_LIMIT       | 4096              |
// | combine_instances_confidence_threshold | f      | PanopticFPN    | PANOPTIC_FPN.COMBINE.INSTANCES_CONFIDENCE_THRESH | 0.5          |
// | thing_classes, stuff_classes           | strings| all            | flags only, or COCO's names for a COCO dataset of that size | absent |
// | keypoint_names                         | strings| R-CNN keypoints| flags only, or COCO's 17 for a COCO keypoint model | absent      |
//
// Anchors replace detectron2's `serialized_anchor_generator` (a torch pickle): level l has the
// cell anchors of sizes[l] x aspect_ratios[l] (size-major), shifted by (offset + i)·stride.

import { parse as parseYaml } from 'yaml';
import { InputError } from '../core/errors.js';
import type { Argument } from '../proto/caffe2.js';
import { F, FLOATS, I, INTS, S, STRINGS, makeArgument, type ArgValue } from './args.js';
import { COCO_KEYPOINT_NAMES, COCO_THING_CLASSES } from '../detectron2/coco.js';
import type { Caffe2Graph } from './fixes.js';

export type Arch = 'GeneralizedRCNN' | 'RetinaNet' | 'PanopticFPN';
export type MetaType = 'i' | 'f' | 's' | 'ints' | 'floats' | 'strings';
export type MetaValue = number | string | number[] | string[];
export type MetaSource = 'config' | 'graph' | 'default' | 'flag';

export interface MetaKey {
  readonly key: string;
  readonly type: MetaType;
  /** The architectures it is written for. */
  readonly archs: readonly Arch[] | 'all';
  readonly doc: string;
}

const ALL = 'all' as const;
const RETINA: readonly Arch[] = ['RetinaNet'];
const PANOPTIC: readonly Arch[] = ['PanopticFPN'];

/** Every meta key, in the order written (detectron2's three first, as encode_additional_info does). */
export const META_KEYS: readonly MetaKey[] = [
  { key: 'size_divisibility', type: 'i', archs: ALL, doc: 'pad data to a multiple of this (0: no padding)' },
  { key: 'device', type: 's', archs: ALL, doc: 'device the model was exported for' },
  { key: 'meta_architecture', type: 's', archs: ALL, doc: 'GeneralizedRCNN, RetinaNet or PanopticFPN: picks the output post-processing' },
  { key: 'min_size_test', type: 'i', archs: ALL, doc: 'ResizeShortestEdge short side at test time' },
  { key: 'max_size_test', type: 'i', archs: ALL, doc: 'ResizeShortestEdge long-side cap at test time' },
  { key: 'input_format', type: 's', archs: ALL, doc: 'channel order of data (BGR or RGB)' },
  { key: 'pixel_mean', type: 'floats', archs: ALL, doc: 'per-channel mean, written only when the graph does not subtract it' },
  { key: 'pixel_std', type: 'floats', archs: ALL, doc: 'per-channel std, written only when the graph does not divide by it' },
  { key: 'num_classes', type: 'i', archs: ALL, doc: 'number of (thing) classes' },
  { key: 'max_detections_per_image', type: 'i', archs: ALL, doc: 'TEST.DETECTIONS_PER_IMAGE (R-CNN applies it in the graph)' },
  { key: 'num_keypoints', type: 'i', archs: ['GeneralizedRCNN'], doc: 'keypoints per instance (keypoint models only)' },
  { key: 'score_threshold', type: 'f', archs: RETINA, doc: 'keep (anchor, class) with sigmoid score above this' },
  { key: 'topk_candidates', type: 'i', archs: RETINA, doc: 'candidates kept per level before NMS' },
  { key: 'nms_threshold', type: 'f', archs: RETINA, doc: 'class-wise NMS IoU threshold' },
  { key: 'bbox_reg_weights', type: 'floats', archs: RETINA, doc: 'Box2BoxTransform weights (wx, wy, ww, wh)' },
  { key: 'anchor_sizes', type: 'floats', archs: RETINA, doc: 'anchor sizes of every level, concatenated' },
  { key: 'anchor_sizes_per_level', type: 'ints', archs: RETINA, doc: 'how many anchor_sizes each level has' },
  { key: 'anchor_aspect_ratios', type: 'floats', archs: RETINA, doc: 'aspect ratios (h/w) of every level, concatenated' },
  { key: 'anchor_aspect_ratios_per_level', type: 'ints', archs: RETINA, doc: 'how many anchor_aspect_ratios each level has' },
  { key: 'anchor_strides', type: 'ints', archs: RETINA, doc: 'anchor stride of each level (box_cls_i / box_delta_i)' },
  { key: 'anchor_offset', type: 'f', archs: RETINA, doc: 'anchor grid offset in strides (0.0 or 0.5)' },
  { key: 'combine_on', type: 'i', archs: PANOPTIC, doc: 'build the panoptic segmentation' },
  { key: 'combine_overlap_threshold', type: 'f', archs: PANOPTIC, doc: 'drop an instance overlapping claimed pixels more than this' },
  { key: 'combine_stuff_area_limit', type: 'i', archs: PANOPTIC, doc: 'drop stuff regions smaller than this many pixels' },
  { key: 'combine_instances_confidence_threshold', type: 'f', archs: PANOPTIC, doc: 'stop at the first instance scoring below this' },
  { key: 'thing_classes', type: 'strings', archs: ALL, doc: 'class names by class id (class_nms)' },
  { key: 'stuff_classes', type: 'strings', archs: PANOPTIC, doc: 'semantic class names by sem_seg channel' },
  { key: 'keypoint_names', type: 'strings', archs: ['GeneralizedRCNN'], doc: 'keypoint names by kps_score channel' },
];

const BY_KEY = new Map(META_KEYS.map((k) => [k.key, k]));

// ------------------------------------------------------------------ config

export type Config = Record<string, unknown>;

/** Parses detectron2's config.yaml (anchors and aliases resolved; !!python/tuple read as a list). */
export function readConfig(text: string, file = 'config.yaml'): Config {
  let doc: unknown;
  try {
    doc = parseYaml(text, {
      customTags: [{ tag: 'tag:yaml.org,2002:python/tuple', collection: 'seq', resolve: (s) => s }],
      maxAliasCount: 10000,
    });
  } catch (e) {
    throw new InputError(`not a readable YAML config: ${(e as Error).message.split('\n')[0]}`, { file });
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new InputError('a detectron2 config is a YAML mapping at the top level', { file });
  return doc as Config;
}

function cfgGet(cfg: Config | undefined, path: string): unknown {
  let v: unknown = cfg;
  for (const k of path.split('.')) {
    if (!v || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

function num(cfg: Config | undefined, path: string, file: string): number | undefined {
  const v = cfgGet(cfg, path);
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`${path} is ${JSON.stringify(v)}, expected a number`, { file });
  return v;
}

function text(cfg: Config | undefined, path: string, file: string): string | undefined {
  const v = cfgGet(cfg, path);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new InputError(`${path} is ${JSON.stringify(v)}, expected a string`, { file });
  return v;
}

function numbers(cfg: Config | undefined, path: string, file: string): number[] | undefined {
  const v = cfgGet(cfg, path);
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw new InputError(`${path} is ${JSON.stringify(v)}, expected a list of numbers`, { file });
  return v as number[];
}

/** A list of per-level lists (or one list for every level, detectron2's _broadcast_params). */
function perLevel(cfg: Config | undefined, path: string, levels: number, file: string): number[][] | undefined {
  const v = cfgGet(cfg, path);
  if (v === undefined || v === null) return undefined;
  const bad = (): never => { throw new InputError(`${path} is ${JSON.stringify(v)}, expected a list of numbers or of lists of numbers`, { file }); };
  if (!Array.isArray(v)) return bad();
  const lists = v.every((x) => typeof x === 'number') ? [v as number[]] : v.map((x) => (Array.isArray(x) && x.every((y) => typeof y === 'number') ? (x as number[]) : bad()));
  if (lists.length === 1) return Array.from({ length: levels }, () => lists[0]!.slice());
  if (lists.length !== levels) throw new InputError(`${path} has ${lists.length} levels, the model has ${levels}`, { file });
  return lists;
}

// ------------------------------------------------------------------ what the graph shows

export interface GraphHints {
  arch: Arch | undefined;
  fpn: boolean;
  numClasses: number | undefined;
  numKeypoints: number | undefined;
  /** `data` is normalised inside the graph (Sub/Div of constants). */
  normalizes: boolean;
  /** RetinaNet levels (number of box_cls_i outputs). */
  levels: number;
}

export function graphHints(g: Caffe2Graph): GraphHints {
  const outs = new Set(g.outputs);
  const levels = g.outputs.filter((o) => /^box_cls_\d+$/.test(o)).length;
  const arch: Arch | undefined = levels ? 'RetinaNet' : outs.has('sem_seg') && outs.has('bbox_nms') ? 'PanopticFPN' : outs.has('bbox_nms') ? 'GeneralizedRCNN' : undefined;
  const types = new Set(g.ops.map((o) => o.type));
  const fpn = types.has('ResizeNearest') || types.has('CollectRpnProposals') || types.has('DistributeFpnProposals');
  let numClasses: number | undefined;
  if (levels) {
    const cls = g.infos.get('box_cls_0')?.shape[1], delta = g.infos.get('box_delta_0')?.shape[1];
    if (cls && delta && cls > 0 && delta > 0 && delta % 4 === 0 && cls % (delta / 4) === 0) numClasses = cls / (delta / 4);
  } else {
    const nms = g.ops.find((o) => o.type === 'BoxWithNMSLimit');
    const k = nms ? g.infos.get(nms.input[0]!)?.shape[1] : undefined;
    if (k !== undefined && k > 1) numClasses = k - 1;
  }
  const kps = outs.has('kps_score') ? g.infos.get('kps_score')?.shape[1] : outs.has('keypoints_out') ? g.infos.get('keypoints_out')?.shape[2] : undefined;
  const first = g.ops.find((o) => o.input.includes('data'));
  const normalizes = !!first && first.type === 'Sub' && g.params.has(first.input[1] ?? '');
  return { arch, fpn, numClasses, numKeypoints: kps !== undefined && kps > 0 ? kps : undefined, normalizes, levels };
}

// ------------------------------------------------------------------ building the args

export interface MetaEntry { key: string; type: MetaType; value: MetaValue; source: MetaSource }

export interface MetaOptions {
  config?: Config;
  configFile?: string;
  /** key -> value as given on the command line (parsed by the key's type). */
  overrides?: Readonly<Record<string, string>>;
}

const ARCHS: readonly Arch[] = ['GeneralizedRCNN', 'RetinaNet', 'PanopticFPN'];

function parseOverride(key: string, raw: string): MetaValue {
  const k = BY_KEY.get(key);
  if (!k) throw new InputError(`unknown meta key '${key}' (known: ${META_KEYS.map((x) => x.key).join(', ')})`);
  const n = (s: string): number => {
    const v = Number(s.trim());
    if (!s.trim() || !Number.isFinite(v)) throw new InputError(`meta '${key}' expects a number, got '${s}'`);
    if ((k.type === 'i' || k.type === 'ints') && !Number.isInteger(v)) throw new InputError(`meta '${key}' expects an integer, got '${s}'`);
    return v;
  };
  switch (k.type) {
    case 's': return raw;
    case 'i': case 'f': return n(raw);
    case 'strings': return raw.split(',').map((x) => x.trim());
    default: return raw.split(',').map(n);
  }
}

/** The meta entries for a graph: config values, else what the graph shows, else COCO defaults; flags win. */
export function buildMeta(g: Caffe2Graph, opts: MetaOptions = {}): { entries: MetaEntry[]; warnings: string[] } {
  const cfg = opts.config;
  const file = opts.configFile ?? 'config.yaml';
  const hints = graphHints(g);
  const warnings: string[] = [];
  const vals = new Map<string, { value: MetaValue; source: MetaSource }>();
  const set = (key: string, fromConfig: MetaValue | undefined, fromGraph: MetaValue | undefined, def: MetaValue): void => {
    if (vals.get(key)?.source === 'flag') return;
    if (fromConfig !== undefined) vals.set(key, { value: fromConfig, source: 'config' });
    else if (fromGraph !== undefined) vals.set(key, { value: fromGraph, source: 'graph' });
    else vals.set(key, { value: def, source: 'default' });
  };
  const overrides = { ...opts.overrides };
  for (const [k, v] of Object.entries(overrides)) vals.set(k, { value: parseOverride(k, v), source: 'flag' });

  const archCfg = text(cfg, 'MODEL.META_ARCHITECTURE', file);
  set('meta_architecture', archCfg, hints.arch, 'GeneralizedRCNN');
  const arch = vals.get('meta_architecture')!.value as string;
  if (!ARCHS.includes(arch as Arch)) warnings.push(`meta_architecture '${arch}' is not one the wrapper post-processes (${ARCHS.join(', ')})`);
  if (hints.arch && arch !== hints.arch) warnings.push(`meta_architecture is ${arch}, but the graph outputs look like ${hints.arch}`);
  const isArch = (k: MetaKey): boolean => k.archs === ALL || k.archs.includes(arch as Arch);

  const backbone = text(cfg, 'MODEL.BACKBONE.NAME', file);
  const retina = arch === 'RetinaNet';
  const levelNames = (cfgGet(cfg, 'MODEL.RETINANET.IN_FEATURES') as unknown[] | undefined) ?? undefined;
  const levels = levelNames?.length ?? (hints.levels || 5);
  const strides = levelNames?.every((x) => typeof x === 'string' && /^p\d+$/.test(x)) ? levelNames.map((x) => 2 ** Number((x as string).slice(1))) : undefined;

  const plan: [string, () => void][] = [
    ['size_divisibility', () => set('size_divisibility', backbone !== undefined ? (/fpn/i.test(backbone) ? 32 : 0) : undefined, hints.fpn ? 32 : 0, 0)],
    ['device', () => set('device', text(cfg, 'MODEL.DEVICE', file), undefined, 'cpu')],
    ['min_size_test', () => set('min_size_test', num(cfg, 'INPUT.MIN_SIZE_TEST', file), undefined, 800)],
    ['max_size_test', () => set('max_size_test', num(cfg, 'INPUT.MAX_SIZE_TEST', file), undefined, 1333)],
    ['input_format', () => set('input_format', text(cfg, 'INPUT.FORMAT', file), undefined, 'BGR')],
    ['pixel_mean', () => { if (!hints.normalizes) set('pixel_mean', numbers(cfg, 'MODEL.PIXEL_MEAN', file), undefined, [103.53, 116.28, 123.675]); }],
    ['pixel_std', () => { if (!hints.normalizes) set('pixel_std', numbers(cfg, 'MODEL.PIXEL_STD', file), undefined, [1, 1, 1]); }],
    ['num_classes', () => set('num_classes', num(cfg, retina ? 'MODEL.RETINANET.NUM_CLASSES' : 'MODEL.ROI_HEADS.NUM_CLASSES', file), hints.numClasses, 80)],
    ['max_detections_per_image', () => set('max_detections_per_image', num(cfg, 'TEST.DETECTIONS_PER_IMAGE', file), undefined, 100)],
    ['num_keypoints', () => { if (g.outputs.includes('kps_score') || g.outputs.includes('keypoints_out')) set('num_keypoints', num(cfg, 'MODEL.ROI_KEYPOINT_HEAD.NUM_KEYPOINTS', file), hints.numKeypoints, 17); }],
    ['score_threshold', () => set('score_threshold', num(cfg, 'MODEL.RETINANET.SCORE_THRESH_TEST', file), undefined, 0.05)],
    ['topk_candidates', () => set('topk_candidates', num(cfg, 'MODEL.RETINANET.TOPK_CANDIDATES_TEST', file), undefined, 1000)],
    ['nms_threshold', () => set('nms_threshold', num(cfg, 'MODEL.RETINANET.NMS_THRESH_TEST', file), undefined, 0.5)],
    ['bbox_reg_weights', () => set('bbox_reg_weights', numbers(cfg, 'MODEL.RETINANET.BBOX_REG_WEIGHTS', file), undefined, [1, 1, 1, 1])],
    ['anchor_sizes', () => {
      const sizes = perLevel(cfg, 'MODEL.ANCHOR_GENERATOR.SIZES', levels, file);
      const def = [32, 64, 128, 256, 512].slice(0, levels).map((x) => [0, 1, 2].map((k) => x * 2 ** (k / 3)));
      set('anchor_sizes', sizes?.flat(), undefined, def.flat());
      set('anchor_sizes_per_level', sizes?.map((l) => l.length), undefined, def.map((l) => l.length));
    }],
    ['anchor_aspect_ratios', () => {
      const ratios = perLevel(cfg, 'MODEL.ANCHOR_GENERATOR.ASPECT_RATIOS', levels, file);
      set('anchor_aspect_ratios', ratios?.flat(), undefined, Array.from({ length: levels }, () => [0.5, 1, 2]).flat());
      set('anchor_aspect_ratios_per_level', ratios?.map((l) => l.length), undefined, new Array<number>(levels).fill(3));
    }],
    ['anchor_strides', () => set('anchor_strides', strides, undefined, [8, 16, 32, 64, 128].slice(0, levels))],
    ['anchor_offset', () => set('anchor_offset', num(cfg, 'MODEL.ANCHOR_GENERATOR.OFFSET', file), undefined, 0)],
    ['thing_classes', () => {
      // a COCO-trained model of COCO's size gets COCO's names (detectron2's builtin metadata)
      const n = vals.get('num_classes')?.value;
      const coco = /^(keypoints_)?coco_/.test(String((cfgGet(cfg, 'DATASETS.TEST') as unknown[] | undefined)?.[0] ?? ''));
      if (coco && n === 80) set('thing_classes', undefined, undefined, [...COCO_THING_CLASSES]);
      else if (coco && n === 1 && g.outputs.includes('kps_score')) set('thing_classes', undefined, undefined, ['person']);
    }],
    ['keypoint_names', () => {
      const coco = /coco/.test(String((cfgGet(cfg, 'DATASETS.TEST') as unknown[] | undefined)?.[0] ?? ''));
      if (coco && vals.get('num_keypoints')?.value === 17) set('keypoint_names', undefined, undefined, [...COCO_KEYPOINT_NAMES]);
    }],
    ['combine_on', () => set('combine_on', num(cfg, 'MODEL.PANOPTIC_FPN.COMBINE.ENABLED', file), undefined, 1)],
    ['combine_overlap_threshold', () => set('combine_overlap_threshold', num(cfg, 'MODEL.PANOPTIC_FPN.COMBINE.OVERLAP_THRESH', file), undefined, 0.5)],
    ['combine_stuff_area_limit', () => set('combine_stuff_area_limit', num(cfg, 'MODEL.PANOPTIC_FPN.COMBINE.STUFF_AREA_LIMIT', file), undefined, 4096)],
    ['combine_instances_confidence_threshold', () => set('combine_instances_confidence_threshold', num(cfg, 'MODEL.PANOPTIC_FPN.COMBINE.INSTANCES_CONFIDENCE_THRESH', file), undefined, 0.5)],
  ];
  for (const [key, fn] of plan) {
    const k = BY_KEY.get(key)!;
    if (isArch(k)) fn();
  }
  if (cfg && hints.numClasses !== undefined && vals.get('num_classes')?.source === 'config' && vals.get('num_classes')!.value !== hints.numClasses) {
    warnings.push(`num_classes is ${vals.get('num_classes')!.value} in the config, but the graph has ${hints.numClasses}`);
  }
  const entries: MetaEntry[] = [];
  for (const k of META_KEYS) {
    const v = vals.get(k.key);
    if (!v) continue;
    if (!isArch(k) && v.source !== 'flag') continue;
    entries.push({ key: k.key, type: k.type, value: v.value, source: v.source });
  }
  return { entries, warnings };
}

function argValue(e: MetaEntry): ArgValue {
  switch (e.type) {
    case 'i': return I(e.value as number);
    // detectron2's check_set_pb_arg rounds floats to float32 first; Argument.f is float32 anyway
    case 'f': return F(e.value as number);
    case 's': return S(e.value as string);
    case 'ints': return INTS(e.value as number[]);
    case 'floats': return FLOATS(e.value as number[]);
    case 'strings': return STRINGS(e.value as string[]);
  }
}

export function metaArgs(entries: readonly MetaEntry[]): Argument[] {
  return entries.map((e) => makeArgument(e.key, argValue(e)));
}
