// COCO datasets and result files from parsed JSON, with pycocotools' COCO / loadRes semantics:
// result ids are 1-based positions, area and bbox are derived from the first result's kind.

import { InputError } from '../core/errors.js';
import { type RleJson, type Segmentation, rleJsonAreaBox } from './rle.js';

export interface CocoImage {
  id: number;
  width: number;
  height: number;
  file_name?: string;
  [key: string]: unknown;
}

export interface CocoCategory {
  id: number;
  name: string;
  supercategory?: string;
  keypoints?: string[];
  [key: string]: unknown;
}

export interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  bbox?: number[];
  area?: number;
  iscrowd?: number | boolean;
  segmentation?: Segmentation;
  keypoints?: number[];
  num_keypoints?: number;
  score?: number;
  [key: string]: unknown;
}

/** A result in COCO's result format (one detection). */
export interface CocoResult {
  image_id: number;
  category_id: number;
  score: number;
  bbox?: number[];
  segmentation?: RleJson | number[][];
  keypoints?: number[];
  [key: string]: unknown;
}

export type IouType = 'bbox' | 'segm' | 'keypoints';

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function num(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** A COCO annotation set (or a results set made by `loadResults`), indexed by id. */
export class CocoDataset {
  readonly imgs = new Map<number, CocoImage>();
  readonly cats = new Map<number, CocoCategory>();

  constructor(
    readonly file: string,
    readonly images: CocoImage[],
    readonly categories: CocoCategory[],
    readonly annotations: CocoAnnotation[],
    /** Made by loadResults: annotation j is entry j of the results file. */
    readonly isResults = false,
  ) {
    for (const img of images) this.imgs.set(img.id, img);
    for (const c of categories) this.cats.set(c.id, c);
  }

  /** Where annotation j came from, for messages: `results.json [12]`, `ann.json annotations[3]`. */
  where(j: number): string {
    return this.isResults ? `${this.file} [${j}]` : `${this.file} annotations[${j}]`;
  }

  /** Validates the structure pycocotools relies on and indexes it. */
  static parse(json: unknown, file = 'annotations.json'): CocoDataset {
    if (!isObj(json)) throw new InputError(`${file}: expected a COCO object {images, annotations, categories}, got ${Array.isArray(json) ? 'an array (a results file?)' : typeof json}`);
    const list = (key: string): unknown[] => {
      const v = json[key];
      if (v === undefined) return [];
      if (!Array.isArray(v)) throw new InputError(`${file}: '${key}' must be an array, got ${typeof v}`);
      return v;
    };
    const images = list('images').map((im, i) => {
      const at = `${file} images[${i}]`;
      // height and width are checked where a polygon needs them
      if (!isObj(im) || !num(im['id'])) throw new InputError(`${at}: needs a numeric 'id'`);
      return im as CocoImage;
    });
    const categories = list('categories').map((c, i) => {
      if (!isObj(c) || !num(c['id'])) throw new InputError(`${file} categories[${i}]: needs a numeric 'id'`);
      return { ...c, name: typeof c['name'] === 'string' ? c['name'] : String(c['id']) } as CocoCategory;
    });
    const seen = new Map<number, number>();
    const annotations = list('annotations').map((a, i) => {
      const at = `${file} annotations[${i}]`;
      if (!isObj(a)) throw new InputError(`${at}: expected an object, got ${JSON.stringify(a)?.slice(0, 40)}`);
      for (const k of ['id', 'image_id', 'category_id']) {
        if (!num(a[k])) throw new InputError(`${at}: needs a numeric '${k}', got ${JSON.stringify(a[k])}`);
      }
      const prev = seen.get(a['id'] as number);
      if (prev !== undefined) throw new InputError(`${at}: duplicate annotation id ${a['id']} (also annotations[${prev}])`);
      seen.set(a['id'] as number, i);
      return a as CocoAnnotation;
    });
    return new CocoDataset(file, images, categories, annotations);
  }

  /** Image ids, sorted (COCOeval's default params.imgIds). */
  imgIds(): number[] {
    return [...this.imgs.keys()].sort((a, b) => a - b);
  }

  /** Category ids, sorted (COCOeval's default params.catIds). */
  catIds(): number[] {
    return [...this.cats.keys()].sort((a, b) => a - b);
  }

  /** detectron2's thing_classes: category names in sorted-id order. */
  classNames(): string[] {
    return this.catIds().map((id) => this.cats.get(id)!.name);
  }

  /**
   * pycocotools' loadRes: the kind of the first result decides for all (a box wins over a
   * mask); ids become 1-based positions, iscrowd 0; area is the box area, the mask's pixel
   * count, or the keypoints' extent; a mask result without a box gets the mask's box.
   */
  loadResults(results: unknown, file = 'results.json'): CocoDataset {
    if (!Array.isArray(results)) throw new InputError(`${file}: results must be an array of objects, got ${typeof results}`);
    const anns: CocoAnnotation[] = [];
    const first = results[0];
    const kind = first === undefined ? 'none'
      : isObj(first) && Array.isArray(first['bbox']) && first['bbox'].length > 0 ? 'bbox'
        : isObj(first) && 'segmentation' in first ? 'segm'
          : isObj(first) && 'keypoints' in first ? 'keypoints' : 'unknown';
    if (kind === 'unknown') throw new InputError(`${file} [0]: a result needs 'bbox', 'segmentation' or 'keypoints', got keys ${isObj(first) ? Object.keys(first).join(', ') : typeof first}`);
    for (let i = 0; i < results.length; i++) {
      const r = results[i];
      const at = (): string => `${file} [${i}]`;
      if (!isObj(r)) throw new InputError(`${at()}: expected a result object, got ${JSON.stringify(r)?.slice(0, 40)}`);
      const imageId = r['image_id'], catId = r['category_id'], score = r['score'];
      if (!num(imageId) || !num(catId) || !num(score)) {
        const k = !num(imageId) ? 'image_id' : !num(catId) ? 'category_id' : 'score';
        throw new InputError(`${at()}: needs a numeric '${k}', got ${JSON.stringify(r[k])}`);
      }
      if (!this.imgs.has(imageId)) throw new InputError(`${at()}: image_id ${imageId} is not an image of ${this.file} (results do not correspond to this dataset)`);
      // one object shape for every result (the fields evaluation reads), not a copy of each input
      const ann: CocoAnnotation = {
        id: i + 1, image_id: imageId, category_id: catId, score,
        bbox: r['bbox'] as number[] | undefined, area: 0, iscrowd: 0,
        segmentation: r['segmentation'] as Segmentation | undefined, keypoints: r['keypoints'] as number[] | undefined,
      };
      if (kind === 'bbox') {
        const bb = r['bbox'];
        if (!Array.isArray(bb) || bb.length !== 4 || !num(bb[0]) || !num(bb[1]) || !num(bb[2]) || !num(bb[3])) throw new InputError(`${at()}: 'bbox' must be [x, y, w, h], got ${JSON.stringify(bb)}`);
        const x = bb[0] as number, y = bb[1] as number, w = bb[2] as number, h = bb[3] as number;
        if (!('segmentation' in r)) ann.segmentation = [[x, y, x, y + h, x + w, y + h, x + w, y]];
        ann.area = w * h;
      } else if (kind === 'segm') {
        const s = r['segmentation'];
        if (!isObj(s)) throw new InputError(`${at()}: 'segmentation' must be an RLE {size, counts} (results support RLE only, as pycocotools), got ${JSON.stringify(s)?.slice(0, 40)}`);
        const box = 'bbox' in r ? undefined : [0, 0, 0, 0];
        ann.area = rleJsonAreaBox(s as unknown as RleJson, box, `${at()} segmentation`);
        if (box) ann.bbox = box;
      } else {
        const kp = r['keypoints'];
        if (!Array.isArray(kp) || kp.length === 0 || kp.length % 3 !== 0 || !kp.every(num)) {
          throw new InputError(`${at()}: 'keypoints' must be [x0, y0, v0, x1, y1, v1, ...], got ${JSON.stringify(kp)?.slice(0, 60)}`);
        }
        let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
        for (let k = 0; k < kp.length; k += 3) {
          x0 = Math.min(x0, kp[k]); x1 = Math.max(x1, kp[k]);
          y0 = Math.min(y0, kp[k + 1]); y1 = Math.max(y1, kp[k + 1]);
        }
        ann.area = (x1 - x0) * (y1 - y0);
        ann.bbox = [x0, y0, x1 - x0, y1 - y0];
      }
      anns.push(ann);
    }
    return new CocoDataset(file, this.images, this.categories, anns, true);
  }
}
