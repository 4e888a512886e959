// The demo's golden detectron2 outputs under our `predict` JSON field names.

/** The golden c2post keys (boxes_xyxy, classes, masks_rle) under detectron2's names, as `predict` writes them. */
export function c2postAsPredict(c2post: any): unknown {
  const i = c2post.instances;
  return { instances: { pred_boxes: i.boxes_xyxy, scores: i.scores, pred_classes: i.classes, pred_masks: i.masks_rle } };
}
