// Draws a detectron2 result over its image on a canvas: masks as a translucent fill with a white
// edge (at image resolution, or the canvas's when smaller), then boxes and "class score" labels
// in screen pixels so text stays sharp at any zoom. Colours are per class.

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#17becf', '#e377c2', '#bcbd22', '#8c564b', '#7f7f7f'];

export function classColor(c) {
  return PALETTE[((c % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

/**
 * The instances of a result JSON with score >= threshold, largest box first (so small ones are
 * drawn on top), each with its index in the result.
 */
export function shownInstances(json, threshold) {
  const I = json.instances, out = [];
  for (let i = 0; i < I.num_instances; i++) {
    if (I.scores[i] < threshold) continue;
    const [x0, y0, x1, y1] = I.pred_boxes[i];
    out.push({ i, box: I.pred_boxes[i], score: I.scores[i], cls: I.pred_classes[i], name: I.pred_class_names?.[i] ?? String(I.pred_classes[i]), area: (x1 - x0) * (y1 - y0) });
  }
  return out.sort((a, b) => b.area - a.area);
}

/**
 * Mask pixels of `list` as an RGBA overlay of ow x oh pixels (the image size, or the canvas size
 * when that is smaller, sampling the nearest image pixel): class colour at alpha 0.5, edge pixels white at 0.9.
 */
function maskOverlay(list, masks, W, H, ow, oh, highlight) {
  const img = new ImageData(ow, oh), px = img.data;
  const kx = W / ow, ky = H / oh;
  const sx = new Int32Array(ow), sy = new Int32Array(oh);
  for (let x = 0; x < ow; x++) sx[x] = Math.min(W - 1, Math.floor((x + 0.5) * kx));
  for (let y = 0; y < oh; y++) sy[y] = Math.min(H - 1, Math.floor((y + 0.5) * ky)) * W;
  for (const d of list) {
    const m = masks[d.i];
    if (!m) continue;
    const [r, g, b] = rgb(classColor(d.cls));
    const dim = highlight !== undefined && highlight !== d.i;
    const on = (x, y) => x >= 0 && y >= 0 && x < ow && y < oh && m[sy[y] + sx[x]] !== 0;
    // Pasted masks are zero outside their box: visit only the box (one pixel of margin).
    const xs = Math.max(0, Math.floor(d.box[0] / kx) - 1), xe = Math.min(ow, Math.ceil(d.box[2] / kx) + 2);
    const ys = Math.max(0, Math.floor(d.box[1] / ky) - 1), ye = Math.min(oh, Math.ceil(d.box[3] / ky) + 2);
    for (let y = ys; y < ye; y++) {
      for (let x = xs; x < xe; x++) {
        if (!on(x, y)) continue;
        const edge = !on(x - 1, y) || !on(x + 1, y) || !on(x, y - 1) || !on(x, y + 1);
        // A white edge outlines the mask on any background, even one of the class's own colour.
        const a = (edge ? 0.9 : 0.5) * (dim ? 0.35 : 1), o = (y * ow + x) * 4, keep = (px[o + 3] / 255) * (1 - a);
        const outA = a + keep, cr = edge ? 255 : r, cg = edge ? 255 : g, cb = edge ? 255 : b;
        px[o] = (cr * a + px[o] * keep) / outA; px[o + 1] = (cg * a + px[o + 1] * keep) / outA; px[o + 2] = (cb * a + px[o + 2] * keep) / outA;
        px[o + 3] = outA * 255;
      }
    }
  }
  return img;
}

/**
 * Draws `view` = {bitmap, width, height, json, masks, threshold, showMasks, highlight?} on
 * `canvas`, sized to `cssWidth` x proportional height CSS pixels at the device pixel ratio.
 * Returns the instances drawn.
 */
export function drawResult(canvas, view, cssWidth) {
  const { bitmap, width: W, height: H, json, masks, threshold, showMasks, highlight } = view;
  const dpr = window.devicePixelRatio || 1;
  const cssHeight = Math.round((cssWidth * H) / W);
  canvas.style.width = `${cssWidth}px`;
  canvas.style.height = `${cssHeight}px`;
  canvas.width = Math.round(cssWidth * dpr);
  canvas.height = Math.round(cssHeight * dpr);
  const g = canvas.getContext('2d');
  const s = canvas.width / W;
  g.imageSmoothingQuality = 'high';
  g.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const list = json ? shownInstances(json, threshold) : [];
  if (showMasks && masks?.length && list.length) {
    const ow = Math.min(W, canvas.width), oh = Math.min(H, canvas.height);
    const o = new OffscreenCanvas(ow, oh);
    o.getContext('2d').putImageData(maskOverlay(list, masks, W, H, ow, oh, highlight), 0, 0);
    g.drawImage(o, 0, 0, canvas.width, canvas.height);
  }
  const lw = 2 * dpr, fontPx = Math.round(12 * dpr), pad = Math.round(3 * dpr);
  g.font = `600 ${fontPx}px system-ui, -apple-system, "Segoe UI", sans-serif`;
  g.textBaseline = 'top';
  for (const d of list) {
    const dim = highlight !== undefined && highlight !== d.i;
    g.globalAlpha = dim ? 0.3 : 1;
    const [x0, y0, x1, y1] = d.box.map((v) => v * s);
    const color = classColor(d.cls);
    // A dark halo under the coloured line keeps boxes visible on any background.
    g.lineWidth = lw + 2 * dpr; g.strokeStyle = 'rgba(0, 0, 0, 0.55)'; g.strokeRect(x0, y0, x1 - x0, y1 - y0);
    g.lineWidth = highlight === d.i ? lw * 1.8 : lw; g.strokeStyle = color; g.strokeRect(x0, y0, x1 - x0, y1 - y0);
  }
  // Labels after all boxes, so no box line crosses a label; best scores pick their places first.
  const placed = [];
  for (const d of list.slice().sort((a, b) => b.score - a.score)) {
    const dim = highlight !== undefined && highlight !== d.i;
    g.globalAlpha = dim ? 0.3 : 1;
    const [x0, y0, , y1] = d.box.map((v) => v * s);
    const label = `${d.name} ${Math.round(d.score * 100)}%`;
    const tw = g.measureText(label).width + 2 * pad, th = fontPx + 2 * pad;
    const lx = Math.min(Math.max(0, x0 - lw / 2), canvas.width - tw);
    // Above the box, inside its top, inside its bottom, below it: the first spot no label holds.
    const spots = [y0 - th, y0 + lw / 2, y1 - th - lw / 2, y1].filter((y) => y >= 0 && y + th <= canvas.height);
    const free = (y) => !placed.some((r) => lx < r.x + r.w && r.x < lx + tw && y < r.y + r.h && r.y < y + th);
    const ly = spots.find(free) ?? spots[0] ?? Math.max(0, y0);
    placed.push({ x: lx, y: ly, w: tw, h: th });
    g.fillStyle = classColor(d.cls); g.fillRect(lx, ly, tw, th);
    g.fillStyle = '#fff'; g.fillText(label, lx + pad, ly + pad + dpr * 0.5);
  }
  g.globalAlpha = 1;
  return list;
}
