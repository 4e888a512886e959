// Text reports as the reference tools print them: pycocotools' summary lines and detectron2's
// COCOEvaluator tables (tabulate "pipe" format, `create_small_table`, `_derive_coco_results`).

import type { IouType } from './dataset.js';

/**
 * Python's format(x, '.Nf'): the exact binary value rounded half to even. JS toFixed rounds
 * exact ties away from zero (0.0625 -> '0.063' where Python prints '0.062').
 */
export function pyFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  let s = x.toFixed(digits);
  if (Math.abs(x) < 1e21) {
    // the exact expansion: doubles >= 2^-47 have at most 99 fractional digits, smaller ones are no tie
    const exact = Math.abs(x).toFixed(100);
    const tail = exact.slice(exact.indexOf('.') + 1 + digits);
    if (/^50*$/.test(tail)) {
      const trunc = exact.slice(0, exact.indexOf('.') + 1 + digits).replace(/\.$/, '');
      const last = Number(trunc[trunc.length - 1]);
      if (last % 2 === 0) s = (x < 0 ? '-' : '') + trunc; // half to even: keep the even truncation
    }
  }
  return s;
}

export const STAT_NAMES: Record<IouType, string[]> = {
  bbox: ['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'AR1', 'AR10', 'AR100', 'ARs', 'ARm', 'ARl'],
  segm: ['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'AR1', 'AR10', 'AR100', 'ARs', 'ARm', 'ARl'],
  keypoints: ['AP', 'AP50', 'AP75', 'APm', 'APl', 'AR', 'AR50', 'AR75', 'ARm', 'ARl'],
};

/** The metrics detectron2 reports (the first stats, x100, NaN where pycocotools gives -1). */
export const D2_METRICS: Record<IouType, string[]> = {
  bbox: ['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl'],
  segm: ['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl'],
  keypoints: ['AP', 'AP50', 'AP75', 'APm', 'APl'],
};

/** pycocotools' 12 (10) summary lines for `stats`, e.g. ` Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.505`. */
export function summaryLines(iouType: IouType, stats: readonly number[], maxDets: readonly number[] = iouType === 'keypoints' ? [20] : [1, 10, 100]): string[] {
  const rows: [boolean, string | undefined, string, number][] = iouType === 'keypoints'
    ? [[true, undefined, 'all', 20], [true, '0.50', 'all', 20], [true, '0.75', 'all', 20], [true, undefined, 'medium', 20], [true, undefined, 'large', 20],
      [false, undefined, 'all', 20], [false, '0.50', 'all', 20], [false, '0.75', 'all', 20], [false, undefined, 'medium', 20], [false, undefined, 'large', 20]]
    : [[true, undefined, 'all', maxDets[2]!], [true, '0.50', 'all', maxDets[2]!], [true, '0.75', 'all', maxDets[2]!],
      [true, undefined, 'small', maxDets[2]!], [true, undefined, 'medium', maxDets[2]!], [true, undefined, 'large', maxDets[2]!],
      [false, undefined, 'all', maxDets[0]!], [false, undefined, 'all', maxDets[1]!], [false, undefined, 'all', maxDets[2]!],
      [false, undefined, 'small', maxDets[2]!], [false, undefined, 'medium', maxDets[2]!], [false, undefined, 'large', maxDets[2]!]];
  return rows.map(([ap, iou, area, md], i) => {
    const title = (ap ? 'Average Precision' : 'Average Recall').padEnd(18);
    const iouStr = (iou ?? '0.50:0.95').padEnd(9);
    return ` ${title} ${ap ? '(AP)' : '(AR)'} @[ IoU=${iouStr} | area=${area.padStart(6)} | maxDets=${String(md).padStart(3)} ] = ${pyFixed(stats[i]!, 3)}`;
  });
}

type Align = 'left' | 'center';

/** Python's str.center as format(s, '^w'): the extra space goes right. */
function center(s: string, w: number): string {
  const extra = Math.max(0, w - s.length);
  const left = Math.floor(extra / 2);
  return ' '.repeat(left) + s + ' '.repeat(extra - left);
}

/**
 * tabulate(rows, headers, tablefmt="pipe", floatfmt=".3f"): columns at least header + 2
 * wide, one space of padding, alignment colons in the rule under the header.
 */
export function pipeTable(headers: readonly string[], rows: readonly (readonly (string | number | null)[])[], numAlign: Align, strAlign: Align): string {
  const n = headers.length;
  const cells = rows.map((r) => headers.map((_, c) => {
    const v = r[c];
    return v === null || v === undefined ? '' : typeof v === 'number' ? pyFixed(v, 3) : v;
  }));
  const isNum = headers.map((_, c) => rows.some((r) => typeof r[c] === 'number') && rows.every((r) => typeof r[c] === 'number' || r[c] === null || r[c] === undefined));
  const align = isNum.map((b) => (b ? numAlign : strAlign));
  const width = headers.map((h, c) => Math.max(h.length + 2, ...cells.map((r) => r[c]!.length)));
  const pad = (s: string, c: number): string => (align[c] === 'center' ? center(s, width[c]!) : s.padEnd(width[c]!));
  const line = (r: readonly string[]): string => `| ${r.map((s, c) => pad(s, c)).join(' | ')} |`;
  const rule = `|${headers.map((_, c) => (align[c] === 'center' ? `:${'-'.repeat(width[c]!)}:` : `:${'-'.repeat(width[c]! + 1)}`)).join('|')}|`;
  return [line(headers.slice(0, n)), rule, ...cells.map(line)].join('\n');
}

/** detectron2's `create_small_table` of its metrics (AP, AP50, ... x100). */
export function metricsTable(metrics: Record<string, number>): string {
  return pipeTable(Object.keys(metrics), [Object.values(metrics)], 'center', 'center');
}

/** detectron2's per-category table: up to 3 (category, AP) pairs a row, AP x100. */
export function perCategoryTable(names: readonly string[], ap: readonly number[]): string {
  const flat: (string | number)[] = [];
  names.forEach((nm, i) => flat.push(nm, ap[i]! * 100));
  const nCols = Math.min(6, names.length * 2);
  const rows: (string | number | null)[][] = [];
  for (let i = 0; i < flat.length; i += nCols) {
    rows.push(Array.from({ length: nCols }, (_, c) => flat[i + c] ?? null));
  }
  const headers = Array.from({ length: nCols }, (_, c) => (c % 2 === 0 ? 'category' : 'AP'));
  return pipeTable(headers, rows, 'left', 'left');
}
