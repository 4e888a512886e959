// The detection worker: holds one caffe2-ts Detectron2Predictor and runs it off the page's main
// thread. Requests are {id, op, ...args}; each gets one reply {id, ok: true, value} or
// {id, ok: false, error: {name, message}}. Buffers in replies are transferred, not copied.
import {
  Detectron2Predictor, InputError, browserThreads, convertOnnx, decodeImage, encodeNetDef, loadCaffe2Model, setFma, webWorkerSpawner,
} from './caffe2-ts.js';

// The page's URL parameters reach us through our own URL: ?threads=N (default: every core when
// the page is cross-origin isolated), ?fma=0 (plain SIMD multiply and add: the same bits as Node
// without relaxed SIMD; FMA is on by default where the browser has relaxed SIMD).
const params = new URL(self.location.href).searchParams;
setFma(params.get('fma') !== '0');
const threads = Math.max(1, Math.min(browserThreads(), Number(params.get('threads')) || Infinity));
const engine = { threads, spawnWorker: webWorkerSpawner(new URL('./kernel_worker.js', import.meta.url)) };

/** @type {Detectron2Predictor | undefined} */
let predictor;
let modelName = '';

const PREDICT = /^(model|predict_net)\.pb(txt)?$/i;
const INIT = /^(model_init|init_net)\.pb(txt)?$/i;

/**
 * Picks the model files out of what the user chose (a model folder or single files), as the CLI
 * does for a model directory: model.pb or predict_net.pb (or .pbtxt) with model_init.pb or
 * init_net.pb; or a detectron2 model.onnx with its config.yaml, converted here. classes.txt
 * (one name a line, or a JSON array) names the classes.
 * @param {{name: string, bytes: ArrayBuffer}[]} files
 */
function pickModelFiles(files) {
  const by = (re) => files.find((f) => re.test(f.name));
  const nets = files.filter((f) => /\.pb(txt)?$/i.test(f.name));
  const predict = by(PREDICT) ?? (nets.length === 2 ? nets.find((f) => !/init/i.test(f.name)) : nets.length === 1 ? nets[0] : undefined);
  const init = by(INIT) ?? (nets.length === 2 ? nets.find((f) => f !== predict && /init/i.test(f.name)) : undefined);
  const onnx = files.find((f) => /\.onnx$/i.test(f.name));
  const config = files.find((f) => /\.ya?ml$/i.test(f.name));
  const classes = files.find((f) => /^classes\.(txt|json)$/i.test(f.name));
  if (!predict && !onnx) {
    const names = files.map((f) => f.name).join(', ');
    throw new InputError(`no model file among ${names}: choose a model folder, model.pb + model_init.pb, or a detectron2 model.onnx (+ config.yaml)`);
  }
  return { predict, init, onnx, config, classes };
}

const text = (f) => new TextDecoder().decode(f.bytes);
const netBytes = (f) => (/\.pbtxt$/i.test(f.name) ? text(f) : new Uint8Array(f.bytes));

function readClasses(f) {
  const s = text(f);
  if (s.trimStart().startsWith('[')) {
    const v = JSON.parse(s);
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new InputError('a JSON class list must be an array of strings', { file: f.name });
    return v;
  }
  return s.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
}

/** @param {{files: {name: string, bytes: ArrayBuffer}[], label?: string}} req */
function load({ files, label }) {
  const t0 = performance.now();
  const f = pickModelFiles(files);
  let model, converted = false;
  if (f.predict) {
    model = loadCaffe2Model(netBytes(f.predict), f.init && netBytes(f.init), { ...engine, predictFile: f.predict.name, ...(f.init ? { initFile: f.init.name } : {}) });
  } else {
    const r = convertOnnx(new Uint8Array(f.onnx.bytes), { file: f.onnx.name, noPlan: true, ...(f.config ? { config: text(f.config), configFile: f.config.name } : {}) });
    model = loadCaffe2Model(encodeNetDef(r.predictNet), encodeNetDef(r.initNet), { ...engine, predictFile: 'model.pb', initFile: 'model_init.pb' });
    converted = true;
  }
  const p = new Detectron2Predictor(model, f.classes ? { thingClasses: readClasses(f.classes) } : {});
  // Only a model that loaded and fits the wrapper replaces the current one.
  predictor = p;
  modelName = label ?? (f.predict ?? f.onnx).name;
  const s = p.settings;
  return {
    value: {
      name: modelName,
      files: [f.predict, f.init, f.onnx, f.config, f.classes].filter(Boolean).map((x) => x.name),
      converted,
      ops: model.predictNet.op.length,
      kernels: `${model.exec?.simd ? `WASM SIMD${model.exec.engine.fma ? ' (FMA)' : ''}` : 'plain TypeScript'}, ${model.exec?.threads ?? 1} thread${(model.exec?.threads ?? 1) === 1 ? '' : 's'}`,
      metaArchitecture: s.metaArchitecture,
      inputFormat: s.inputFormat, minSize: s.minSize, maxSize: s.maxSize, sizeDivisibility: s.sizeDivisibility,
      classes: p.thingClasses ?? null,
      sources: s.sources,
      notes: s.notes,
      loadMs: performance.now() - t0,
    },
  };
}

/**
 * Image bytes -> pixels. 'browser': the browser's own decoder (createImageBitmap, EXIF
 * orientation applied, no colour-space conversion) drawn on an OffscreenCanvas and read back as
 * RGBA. 'caffe2-ts': our libjpeg-exact JPEG and PNG decoder, the pixels detectron2's read_image
 * (Pillow) and the Node CLI get; browsers' JPEG decoders may differ from it by a few units.
 */
async function decode(bytes, name, type, decoder) {
  if (decoder === 'caffe2-ts') {
    const d = decodeImage(new Uint8Array(bytes), name);
    return { width: d.width, height: d.height, data: d.data, channels: 3 };
  }
  let bmp;
  try {
    bmp = await createImageBitmap(new Blob([bytes], { type }), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch (e) {
    throw new InputError(`the browser cannot decode this file as an image (${e instanceof Error ? e.message : String(e)})`, { file: name });
  }
  const { width, height } = bmp;
  const g = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  g.drawImage(bmp, 0, 0);
  bmp.close();
  const im = g.getImageData(0, 0, width, height);
  return { width, height, data: im.data, channels: 4 };
}

function rgba(img) {
  if (img.channels === 4) return img.data;
  const n = img.width * img.height, out = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    out[i * 4] = img.data[i * 3]; out[i * 4 + 1] = img.data[i * 3 + 1]; out[i * 4 + 2] = img.data[i * 3 + 2]; out[i * 4 + 3] = 255;
  }
  return out;
}

/** @param {{bytes: ArrayBuffer, name: string, type: string, decoder: 'browser' | 'caffe2-ts'}} req */
async function predict({ bytes, name, type, decoder }) {
  if (!predictor) throw new InputError('no model is loaded');
  const t0 = performance.now();
  const img = await decode(bytes, name, type, decoder);
  const t1 = performance.now();
  const p = predictor.predict(img, name);
  const t2 = performance.now();
  const json = predictor.toJson(p.result, { fileName: name });
  const masks = p.result.instances.masks ?? [];
  const maskAreas = masks.map((m) => { let a = 0; for (let k = 0; k < m.length; k++) a += m[k]; return a; });
  const pixels = rgba(img);
  const transfer = new Set([pixels.buffer, ...masks.map((m) => m.buffer)]);
  return {
    value: {
      name, decoder, model: modelName, json, masks, maskAreas, pixels,
      width: img.width, height: img.height,
      inputSize: [p.imInfo.data[0], p.imInfo.data[1]],
      ms: { decode: t1 - t0, ...p.ms, total: t2 - t0 },
    },
    transfer: [...transfer],
  };
}

const handlers = { load, predict };

self.onmessage = async (e) => {
  const { id, op, ...req } = e.data;
  try {
    const h = handlers[op];
    if (!h) throw new Error(`unknown request '${op}'`);
    const { value, transfer = [] } = await h(req);
    self.postMessage({ id, ok: true, value }, transfer);
  } catch (err) {
    const error = err instanceof Error ? { name: err.name, message: err.message } : { name: 'Error', message: String(err) };
    self.postMessage({ id, ok: false, error });
  }
};

self.postMessage({ op: 'ready' });
