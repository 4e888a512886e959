// COCO datasets and result files from parsed JSON, with pycocotools' COCO / loadRes semantics:
// result ids are 1-based positions, area and bbox are derived from the first result's kind.

import { InputError } from '../core/errors.js';
import { type RleJson, type Segmentation, rleArea, rleFromJson, rleToBbox } from './rle.js';

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
  /** Where each annotation came from, for messages: `results.json [12]`. */
  readonly origin: string[];

  constructor(
    readonly file: string,
    readonly images: CocoImage[],
    readonly categories: CocoCategory[],
    readonly annotations: CocoAnnotation[],
    origin?: string[],
  ) {
    for (const img of images) this.imgs.set(img.id, img);
    for (const c of categories) this.cats.set(c.id, c);
    this.origin = origin ?? annotations.map((_, i) => `${file} annotations[${i}]`);
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
      if (!isObj(im) || !num(im['id'])) throw new InputError(`${at}: needs a numeric 'id'`);
      if (!num(im['height']) || !num(im['width'])) throw new InputError(`${at} (id ${im['id']}): needs numeric 'height' and 'width'`);
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
    const origin: string[] = [];
    const first = results[0];
    const kind = first === undefined ? 'none'
      : isObj(first) && Array.isArray(first['bbox']) && first['bbox'].length > 0 ? 'bbox'
        : isObj(first) && 'segmentation' in first ? 'segm'
          : isObj(first) && 'keypoints' in first ? 'keypoints' : 'unknown';
    if (kind === 'unknown') throw new InputError(`${file} [0]: a result needs 'bbox', 'segmentation' or 'keypoints', got keys ${isObj(first) ? Object.keys(first).join(', ') : typeof first}`);
    for (let i = 0; i < results.length; i++) {
      const r = results[i];
      const at = `${file} [${i}]`;
      if (!isObj(r)) throw new InputError(`${at}: expected a result object, got ${JSON.stringify(r)?.slice(0, 40)}`);
      for (const k of ['image_id', 'category_id', 'score']) {
        if (!num(r[k])) throw new InputError(`${at}: needs a numeric '${k}', got ${JSON.stringify(r[k])}`);
      }
      if (!this.imgs.has(r['image_id'] as number)) throw new InputError(`${at}: image_id ${r['image_id']} is not an image of ${this.file} (results do not correspond to this dataset)`);
      const ann: CocoAnnotation = { ...(r as CocoResult), id: i + 1 };
      if (kind === 'bbox') {
        const bb = r['bbox'];
        if (!Array.isArray(bb) || bb.length !== 4 || !bb.every(num)) throw new InputError(`${at}: 'bbox' must be [x, y, w, h], got ${JSON.stringify(bb)}`);
        const [x, y, w, h] = bb as [number, number, number, number];
        if (!('segmentation' in r)) ann.segmentation = [[x, y, x, y + h, x + w, y + h, x + w, y]];
        ann.area = w * h;
        ann.iscrowd = 0;
      } else if (kind === 'segm') {
        const s = r['segmentation'];
        if (!isObj(s)) throw new InputError(`${at}: 'segmentation' must be an RLE {size, counts} (results support RLE only, as pycocotools), got ${JSON.stringify(s)?.slice(0, 40)}`);
        const rle = rleFromJson(s as unknown as RleJson, `${at} segmentation`);
        ann.area = rleArea(rle);
        if (!('bbox' in r)) ann.bbox = Array.from(rleToBbox(rle));
        ann.iscrowd = 0;
      } else {
        const kp = r['keypoints'];
        if (!Array.isArray(kp) || kp.length === 0 || kp.length % 3 !== 0 || !kp.every(num)) {
          throw new InputError(`${at}: 'keypoints' must be [x0, y0, v0, x1, y1, v1, ...], got ${JSON.stringify(kp)?.slice(0, 60)}`);
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
      origin.push(at);
    }
    return new CocoDataset(file, this.images, this.categories, anns, origin);
  }
}
