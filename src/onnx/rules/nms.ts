// ONNX NonMaxSuppression as Caffe2 BoxWithNMSLimit, one op per (batch, class): its per-class
// greedy NMS keeps scores > score_threshold in descending score order (lower index first on
// ties), suppresses IoU > iou_threshold in float32, and stops at detections_per_im, as ONNX's
// max_output_boxes_per_class. The thresholds and the limit are the op's run-time inputs.
// Boxes get their corners ordered first (ONNX accepts either diagonal, or centres and sizes);
// IoU is symmetric in x and y, so [y1, x1, y2, x2] rows go in as they are.
// Known difference: ONNX never lets a zero-area box suppress; Caffe2's NaN IoU between two of
// them does. An absent score_threshold keeps every score above -inf (ONNX: every score).

import { Tensor } from '../../core/tensor.js';
import type { RuleCtx } from '../context.js';
import { I, INTS } from '../context.js';
import type { RuleSet } from './index.js';

const nonMaxSuppression = (c: RuleCtx): void => {
  c.only('center_point_box');
  const boxes = c.in(0), scores = c.in(1);
  const [B, N] = c.staticShape(boxes, 'NonMaxSuppression (one op per batch and class)');
  const C = c.staticShape(scores, 'NonMaxSuppression (one op per batch and class)')[1]!;
  const t = (): string => c.dummy();
  const k = (dtype: 'int64' | 'float32' | 'int32', values: number[], shape: number[]): string => {
    const n = t();
    c.emitConstant(n, Tensor.from(dtype, shape, values));
    return n;
  };
  const op = (type: string, ins: string[], args = {}): string => { const o = t(); c.emit(type, ins, [o], args); return o; };
  /** A one-value input as [1]; `value` is it or a blob computed from it. */
  const one = (input: string, value = input): string => (c.shape(input).length === 1 ? value : op('Reshape', [value, k('int64', [1], [1])]));

  const limit = c.input(2);
  if (!limit || c.maybeConstValues(limit)?.every((v) => v <= 0)) {
    // no box limit means no boxes (ONNX's default of 0)
    c.emitConstant(c.out(0), new Tensor('int64', [0, 3]));
    return;
  }
  // corners ordered per box: [min, min, max, max] of the two coordinate pairs
  const first = op('Slice', [boxes], { starts: INTS([0, 0, 0]), ends: INTS([-1, -1, 2]) });
  const second = op('Slice', [boxes], { starts: INTS([0, 0, 2]), ends: INTS([-1, -1, -1]) });
  let lo: string, hi: string;
  if (c.attrs.int('center_point_box', 0) === 1) {
    const half = op('Mul', [second, k('float32', [0.5], [])]);
    lo = op('Sub', [first, half]); hi = op('Add', [first, half]);
  } else {
    lo = op('Min', [first, second]); hi = op('Max', [first, second]);
  }
  const corners = t();
  c.emit('Concat', [lo, hi], [corners, t()], { axis: I(2) });

  // a negative limit is 0; 0 keeps nothing (the op's own 0 would mean "no limit": sliced away)
  const K = one(limit, op('Cast', [limit], { to: I(10) }));
  const K0 = op('Mul', [K, op('Cast', [op('GT', [K, k('int64', [0], [])])], { to: I(10) })]);
  const iou = c.input(3) ? one(c.in(3)) : k('float32', [0], [1]);
  const st = c.input(4) ? one(c.in(4)) : k('float32', [-Infinity], [1]);
  const splits = k('int32', [N!], [1]), zeros = k('float32', new Array<number>(N!).fill(0), [N!, 1]);
  const rows: string[] = [];
  for (let b = 0; b < B!; b++) {
    const bx = op('Gather', [corners, k('int64', [b], [])]);
    const perBatch = op('Gather', [scores, k('int64', [b], [])]);
    for (let j = 0; j < C; j++) {
      // one foreground score column and an ignored last one (Caffe2's background slot)
      const col = op('ExpandDims', [op('Gather', [perBatch, k('int64', [j], [])])], { dims: INTS([1]) });
      const sc = t();
      c.emit('Concat', [col, zeros], [sc, t()], { axis: I(1) });
      const keeps = t();
      c.emit('BoxWithNMSLimit', [sc, bx, splits, st, iou, K0], [t(), t(), t(), t(), keeps, t()], {
        legacy_plus_one: I(0), cls_agnostic_bbox_reg: I(1), input_boxes_include_bg_cls: I(0), output_classes_include_bg_cls: I(0),
      });
      const kept = op('Cast', [op('Slice', [keeps, k('int64', [0], [1]), K0])], { to: I(10) });
      const idx = op('ExpandDims', [kept], { dims: INTS([1]) });
      const zero = op('Mul', [idx, k('int64', [0], [])]);
      const row = t();
      c.emit('Concat', [op('Add', [zero, k('int64', [b], [])]), op('Add', [zero, k('int64', [j], [])]), idx], [row, t()], { axis: I(1) });
      rows.push(row);
    }
  }
  c.emit('Concat', rows, [c.out(0), t()], { axis: I(0) });
};

export const NMS_RULES: Readonly<Record<string, RuleSet>> = {
  NonMaxSuppression: { '10+': nonMaxSuppression },
};
