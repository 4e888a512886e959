// BoxWithNMSLimit (caffe2/operators/box_with_nms_limit_op.cc): per-class NMS (or soft-NMS) and a
// per-image cap over scores [count, C] (or [count, C, 1, 1]) and boxes [count, Cb * B] (B = 4,
// or 5 when rotated), images split by batch_splits (float or int32; default one image).
// Outputs, class-major per image: scores [n], boxes [n, B], classes [n] (float), batch_splits
// [batch] (float), keeps [n] (int32, rows relative to the image) and keeps_size [batch, C] (int32).
// Extension: score_thresh, nms and detections_per_im may come from optional inputs 3 to 5 (one
// value each, after batch_splits), read at run time like the args (ONNX NonMaxSuppression feeds
// its thresholds and box limit as tensors).

import { boxCol, boxWithNmsLimitImage, scoreCol, type BoxNmsLimitParams } from '../../kernels/box_nms_limit.js';
import { ArgError, ShapeError, shapeStr } from '../core/errors.js';
import { infoOf, type ValueInfo } from '../core/tensor.js';
import { arg, defineOp } from './schema.js';
import { LEGACY_PLUS_ONE_DOC, bound, f32, requireFloat, requireSameDim } from './detection_util.js';

interface Params extends BoxNmsLimitParams { readonly outputBg: boolean }

/** [count, cols] of a 2-D input or a 4-D one with trailing 1 x 1; `cols` names the columns. */
const RUNTIME_ARGS = ['score_thresh', 'nms', 'detections_per_im'] as const;

/** The one value of run-time arg input `i` (3 to 5), checked. */
function runtimeValue(info: ValueInfo, i: number): number | undefined {
  const name = RUNTIME_ARGS[i - 3]!;
  const want = i === 5 ? ['int32', 'int64'] : ['float32'];
  if (!want.includes(info.dtype)) throw new ShapeError(`input '${name}' must be ${want.join(' or ')}, got ${info.dtype}`);
  if (info.shape.some((d) => d !== 1)) throw new ShapeError(`input '${name}' must hold one value, got ${shapeStr(info.shape)}`);
  return info.value?.get(0);
}

/** The params with the args given as inputs 3 to 5 replaced by their values (when known). */
function withInputs(p: Params, ins: readonly (ValueInfo | undefined)[]): Params {
  if (ins.length <= 3) return p;
  const v = ins.map((x, i) => (i >= 3 && x ? runtimeValue(x, i) : undefined));
  const nmsThresh = v[4] !== undefined ? f32(v[4]) : p.nmsThresh;
  return Object.freeze({
    ...p,
    scoreThresh: v[3] !== undefined ? f32(v[3]) : p.scoreThresh,
    nmsThresh,
    detectionsPerIm: v[5] !== undefined ? v[5] : ins.length > 5 ? -1 : p.detectionsPerIm,
    soft: p.soft ? Object.freeze({ ...p.soft, overlapThresh: nmsThresh }) : null,
  });
}

function matrix(s: readonly number[], name: string, cols: string): [number, number] {
  if (s.length === 2 || (s.length === 4 && (s[2]! < 0 || s[2] === 1) && (s[3]! < 0 || s[3] === 1))) return [s[0]!, s[1]!];
  throw new ShapeError(`input '${name}' must be [count, ${cols}] or [count, ${cols}, 1, 1], got ${shapeStr(s)}`);
}

export default defineOp({
  type: 'BoxWithNMSLimit', category: 'Detection',
  doc: 'Per-class NMS over detection scores and boxes, capped at detections_per_im per image.',
  inputs: [{ name: 'scores' }, { name: 'boxes' }, { name: 'batch_splits', optional: true },
    { name: 'score_thresh', optional: true }, { name: 'nms', optional: true }, { name: 'detections_per_im', optional: true }],
  outputs: [{ name: 'scores' }, { name: 'boxes' }, { name: 'classes' }, { name: 'batch_splits', optional: true },
    { name: 'keeps', optional: true }, { name: 'keeps_size', optional: true }],
  args: {
    score_thresh: arg.float(0.05), nms: arg.float(0.3), detections_per_im: arg.int(100), soft_nms_enabled: arg.bool(false),
    soft_nms_method: arg.str('linear', ['linear', 'gaussian']), soft_nms_sigma: arg.float(0.5), soft_nms_min_score_thres: arg.float(0.001),
    rotated: arg.bool(false), cls_agnostic_bbox_reg: arg.bool(false), input_boxes_include_bg_cls: arg.bool(true),
    output_classes_include_bg_cls: arg.bool(true), legacy_plus_one: arg.bool(true, { doc: LEGACY_PLUS_ONE_DOC }),
  },
  normalize(a, io): Params {
    if (io.numOutputs === 5) throw new ArgError("'keeps' (output 4) needs 'keeps_size' (output 5): give 3, 4 or 6 outputs");
    const soft = a.soft_nms_enabled ? Object.freeze({
      sigma: f32(a.soft_nms_sigma), overlapThresh: f32(a.nms), scoreThresh: f32(a.soft_nms_min_score_thres),
      method: a.soft_nms_method === 'linear' ? 1 : 2, topN: -1, legacyPlusOne: a.legacy_plus_one,
    }) : null;
    return Object.freeze({
      scoreThresh: f32(a.score_thresh), nmsThresh: f32(a.nms), detectionsPerIm: a.detections_per_im, soft,
      boxDim: a.rotated ? 5 : 4, clsAgnostic: a.cls_agnostic_bbox_reg, inputBoxesIncludeBg: a.input_boxes_include_bg_cls,
      outputBg: a.output_classes_include_bg_cls, legacyPlusOne: a.legacy_plus_one,
    });
  },
  infer(ins, params, ctx) {
    const p = withInputs(params, ins);
    requireFloat(ins[0]!, 'scores');
    requireFloat(ins[1]!, 'boxes');
    const [count, C] = matrix(ins[0]!.shape, 'scores', 'C');
    const [count2, cols] = matrix(ins[1]!.shape, 'boxes', 'Cb*B');
    requireSameDim(count2, count, () => `input 'boxes' ${shapeStr(ins[1]!.shape)} must have as many rows as input 'scores' ${shapeStr(ins[0]!.shape)}`);
    const B = p.boxDim;
    if (C >= 0 && cols >= 0 && (boxCol(C - 1, p) + 1) * B !== cols) {
      const why = p.clsAgnostic ? 'class-agnostic' : p.inputBoxesIncludeBg ? 'one box per class incl. background' : 'one box per foreground class';
      throw new ShapeError(`input 'boxes' must have ${(boxCol(C - 1, p) + 1) * B} columns for ${C} score columns (${why}, ${B} per box), got ${shapeStr(ins[1]!.shape)}`);
    }
    let batch = 1;
    if (ins.length > 2) {
      const bs = ins[2]!;
      if (bs.dtype !== 'float32' && bs.dtype !== 'int32') throw new ShapeError(`input 'batch_splits' must be float32 or int32, got ${bs.dtype}`);
      if (bs.shape.length !== 1) throw new ShapeError(`input 'batch_splits' must be [batch_size], got ${shapeStr(bs.shape)}`);
      batch = bs.shape[0]!;
    }
    const dpi = p.detectionsPerIm;
    const max = dpi > 0 ? bound(batch, dpi) : bound(count, Math.max(C - 1, 0));
    const n = (extra: number[] = []): { shape: number[]; max?: number[] } => ({ shape: [-1, ...extra], ...(max !== undefined ? { max: [max, ...extra] } : {}) });
    return [
      { dtype: 'float32' as const, ...n() }, { dtype: 'float32' as const, ...n([B]) }, { dtype: 'float32' as const, ...n() },
      { dtype: 'float32' as const, shape: [batch] }, { dtype: 'int32' as const, ...n() }, { dtype: 'int32' as const, shape: [batch, C] },
    ].slice(0, ctx.numOutputs);
  },
  run(ctx, params) {
    const p = ctx.numInputs > 3 ? withInputs(params, Array.from({ length: ctx.numInputs }, (_, i) => infoOf(ctx.in(i)))) : params;
    const scoresT = ctx.in(0), boxesT = ctx.in(1), splitsT = ctx.maybe(2);
    const count = scoresT.shape[0]!, C = scoresT.shape[1]!, Bc = boxesT.shape[1]!, B = p.boxDim;
    const splits = splitsT ? Array.from(splitsT.data as Float32Array | Int32Array, (v) => Math.trunc(v)) : [count];
    const sum = splitsT ? Array.from(splitsT.data as Float32Array | Int32Array).reduce((a, b) => a + b, 0) : count;
    if (sum !== count || splits.some((v) => v < 0)) {
      throw new ShapeError(`input 'batch_splits' [${Array.from(splitsT!.data as Float32Array).join(', ')}] must be counts summing to ${count} (the rows of input 'scores'), got ${sum}`);
    }
    const scores = scoresT.data as Float32Array, boxes = boxesT.data as Float32Array;
    const s = {
      inds: ctx.scratch('i32', count, 0), keeps: ctx.scratch('i32', C * count, 1), counts: ctx.scratch('i32', C, 2),
      soft: ctx.scratch('f32', count * C, 0), nms: { f32: ctx.scratch('f32', 5 * count, 1), i32: ctx.scratch('i32', count, 3) },
    };
    const outScore: number[] = [], outRow: number[] = [], outCls: number[] = [], perImage: number[] = [], keepsSize: number[] = [];
    let offset = 0;
    for (const n of splits) {
      const used = boxWithNmsLimitImage(scores.subarray(offset * C), C, boxes.subarray(offset * Bc), Bc, n, p, s);
      let total = 0;
      for (let j = 0; j < C; j++) {
        const k = j === 0 ? 0 : s.counts[j]!;
        keepsSize.push(k);
        for (let i = 0; i < k; i++) {
          const r = s.keeps[j * n + i]!;
          outScore.push(used[r * C + scoreCol(j, p)]!);
          outRow.push(offset + r, r);
          outCls.push(j - (p.outputBg ? 0 : 1), j);
        }
        total += k;
      }
      perImage.push(total);
      offset += n;
    }
    const N = outScore.length;
    ctx.alloc(0, 'float32', [N]).data.set(outScore);
    const ob = ctx.alloc(1, 'float32', [N, B]).data, oc = ctx.alloc(2, 'float32', [N]).data;
    for (let i = 0; i < N; i++) {
      const row = outRow[2 * i]!, j = outCls[2 * i + 1]!, src = row * Bc + boxCol(j, p) * B;
      for (let c = 0; c < B; c++) ob[i * B + c] = boxes[src + c]!;
      oc[i] = outCls[2 * i]!;
    }
    if (ctx.numOutputs > 3) (ctx.out(3).data as Float32Array).set(perImage);
    if (ctx.numOutputs > 4) {
      const ok = ctx.alloc(4, 'int32', [N]).data;
      for (let i = 0; i < N; i++) ok[i] = outRow[2 * i + 1]!;
      (ctx.out(5).data as Int32Array).set(keepsSize);
    }
  },
});
