// The demo page: picks an image and a model, asks the worker (worker.js) to run detection, and
// draws the result (draw.js). One request runs at a time; the page stays usable meanwhile.
// URL parameters: ?decoder=browser|caffe2-ts  ?image=<sample file name>|none  ?threads=N  ?fma=0
// (the last two are read by the worker, which gets the page's query string)
// State for scripts and tests: document.body.dataset.state and window.demo.
import { classColor, drawResult, shownInstances } from './draw.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

const demo = { state: 'starting', model: undefined, last: undefined, error: undefined };
window.demo = demo;

function setState(s) {
  demo.state = s;
  document.body.dataset.state = s;
}

// ---- the worker, as promises -------------------------------------------------------------

const worker = new Worker(new URL(`./worker.js${location.search}`, import.meta.url), { type: 'module' });
const pending = new Map();
let nextId = 1;
let markReady, failStart, workerFailed;
const workerReady = new Promise((ok, fail) => { markReady = ok; failStart = fail; });

worker.onmessage = (e) => {
  const m = e.data;
  if (m.op === 'ready') return markReady();
  const p = pending.get(m.id);
  if (!p) return;
  pending.delete(m.id);
  if (m.ok) p.resolve(m.value);
  else p.reject(Object.assign(new Error(m.error.message), { name: m.error.name }));
};
worker.onerror = (e) => {
  e.preventDefault();
  const err = new Error(e.message
    ? `the detection worker failed: ${e.message}`
    : 'the detection worker could not start (worker.js or caffe2-ts.js did not load; build the site with `npm run build:web`)');
  workerFailed = err;
  failStart(err);
  for (const p of pending.values()) p.reject(err);
  pending.clear();
};

async function call(op, req, transfer = []) {
  await workerReady;
  if (workerFailed) throw workerFailed;
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, op, ...req }, transfer);
  });
}

// ---- status, errors, busy indicator -------------------------------------------------------

function showError(err, what) {
  const name = err?.name && err.name !== 'Error' ? `${err.name}: ` : '';
  const text = `${what}: ${name}${err?.message ?? String(err)}`;
  demo.error = text;
  const box = $('error');
  box.textContent = text;
  box.hidden = false;
  console.error(text);
  setState('error');
}

function clearError() {
  $('error').hidden = true;
  demo.error = undefined;
}

let busyTimer;
function busy(label) {
  const t0 = performance.now();
  $('busy-text').textContent = label;
  $('busy').hidden = false;
  clearInterval(busyTimer);
  // Ticks from the main thread while the worker computes: the page is not blocked.
  busyTimer = setInterval(() => { $('busy-text').textContent = `${label} ${((performance.now() - t0) / 1000).toFixed(1)} s`; }, 100);
}

function idle() {
  clearInterval(busyTimer);
  $('busy').hidden = true;
}

const ms = (t) => (t >= 1000 ? `${(t / 1000).toFixed(2)} s` : `${t.toFixed(0)} ms`);
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

// ---- model ----------------------------------------------------------------------------------

let samples = { model: undefined, images: [] };
let queue = Promise.resolve();
let current;          // the current image: {name, type, bytes}
let imageSeq = 0;

function showModel(m) {
  const src = (k) => (m.sources[k] === 'default' ? ' <span class="default" title="not in the model\'s meta: detectron2\'s default">(default)</span>' : '');
  const classes = m.classes
    ? m.classes.map((c, i) => `<span class="chip" style="--c:${classColor(i)}">${esc(c)}</span>`).join('')
    : '<span class="muted">class names unknown: ids shown</span>';
  $('model-card').innerHTML = `
    <div class="title">${esc(m.name)}</div>
    <div class="muted">${esc(m.files.join(' + '))}${m.converted ? ' (converted from ONNX here)' : ''}</div>
    <dl>
      <dt>architecture</dt><dd>${esc(m.metaArchitecture)}${src('metaArchitecture')}</dd>
      <dt>input</dt><dd>${esc(m.inputFormat)}${src('inputFormat')}, short side ${m.minSize}${src('minSize')}, long ≤ ${m.maxSize}</dd>
      <dt>graph</dt><dd>${m.ops} ops, loaded in ${ms(m.loadMs)}</dd>
      <dt>kernels</dt><dd id="kernels">${esc(m.kernels)}</dd>
    </dl>
    <div class="chips">${classes}</div>
    ${m.notes.map((n) => `<p class="note">${esc(n)}</p>`).join('')}`;
  $('use-sample').hidden = m.name === samples.model?.name;
}

function loadModel(files, label) {
  queue = queue.then(async () => {
    clearError();
    setState('loading-model');
    busy(`Loading ${label ?? 'the model'}…`);
    try {
      const info = await call('load', { files, label }, files.map((f) => f.bytes));
      demo.model = info;
      showModel(info);
      setState('ready');
      idle();
      if (current) detect(current);
    } catch (err) {
      idle();
      showError(err, `cannot use ${label ?? files.map((f) => f.name).join(' + ')}`);
    }
  });
  return queue;
}

async function fetchBytes(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`cannot fetch ${url} (${r.status} ${r.statusText})`);
  return r.arrayBuffer();
}

async function loadSampleModel() {
  const m = samples.model;
  try {
    const files = await Promise.all(['model.pb', 'model_init.pb'].map(async (name) => ({ name, bytes: await fetchBytes(`${m.dir}/${name}`) })));
    await loadModel(files, m.name);
  } catch (err) {
    showError(err, 'cannot load the sample model');
  }
}

// ---- detection ------------------------------------------------------------------------------

/** Queues a run on `img`; a newer image replaces one still waiting in the queue. */
function detect(img) {
  current = img;
  const seq = ++imageSeq;
  queue = queue.then(() => (seq === imageSeq ? run(img) : undefined));
  return queue;
}

async function run(img) {
  if (!demo.model) return;
  clearError();
  setState('running');
  const decoder = $('decoder').value;
  busy(`Detecting in ${img.name}…`);
  try {
    // The worker gets a copy: `current` keeps its bytes for re-runs.
    const r = await call('predict', { bytes: img.bytes.slice(0), name: img.name, type: img.type, decoder });
    r.bitmap = await createImageBitmap(new ImageData(r.pixels, r.width, r.height));
    demo.last = r;
    idle();
    render();
    setState('done');
  } catch (err) {
    idle();
    demo.last = undefined;
    render();
    showError(err, `cannot run ${img.name}`);
  }
}

// ---- rendering ------------------------------------------------------------------------------

let highlight;

function render() {
  const r = demo.last, canvas = $('canvas');
  $('placeholder').hidden = !!r;
  canvas.hidden = !r;
  $('detections').hidden = !r;
  if (!r) {
    $('status').textContent = demo.model ? 'Choose or drop an image.' : '';
    $('summary').textContent = '';
    return;
  }
  const threshold = Number($('threshold').value);
  const stage = $('stage');
  const maxW = stage.clientWidth, maxH = Math.max(240, window.innerHeight * 0.68);
  const cssWidth = Math.floor(Math.min(maxW, (maxH * r.width) / r.height));
  const shown = drawResult(canvas, { ...r, threshold, showMasks: $('show-masks').checked, highlight }, cssWidth);

  const t = r.ms;
  $('status').innerHTML = `<b>${esc(r.name)}</b> · ${r.width}×${r.height} px, network input ${r.inputSize[1]}×${r.inputSize[0]} · decoded by ${esc(r.decoder)} · `
    + `<b>${ms(t.total)}</b> <span class="muted">(decode ${ms(t.decode)}, pre-process ${ms(t.pre)}, net ${ms(t.net)}, post-process ${ms(t.post)})</span>`;
  const n = r.json.instances.num_instances;
  $('summary').textContent = `${shown.length} of ${n} detections with score ≥ ${threshold.toFixed(2)}`;
  $('summary').dataset.shown = String(shown.length);

  const rows = shown.slice().sort((a, b) => b.score - a.score).map((d) => `<tr data-i="${d.i}"><td><span class="swatch" style="--c:${classColor(d.cls)}"></span></td>`
    + `<td>${d.i}</td><td>${esc(d.name)}</td><td>${d.score.toFixed(3)}</td><td class="num">${d.box.map((v) => v.toFixed(1)).join(', ')}</td>`
    + `<td class="num">${r.maskAreas[d.i] ?? '–'}</td></tr>`);
  $('detections').tBodies[0].innerHTML = rows.join('');
}

/** Re-renders once per frame however many slider, hover or resize events arrive. */
let frame = 0;
function rerender() {
  cancelAnimationFrame(frame);
  frame = requestAnimationFrame(render);
}

$('detections').addEventListener('mouseover', (e) => {
  const tr = e.target.closest('tr[data-i]');
  const i = tr ? Number(tr.dataset.i) : undefined;
  if (i !== highlight) { highlight = i; rerender(); }
});
$('detections').addEventListener('mouseleave', () => { highlight = undefined; rerender(); });
$('threshold').addEventListener('input', () => { $('threshold-value').textContent = Number($('threshold').value).toFixed(2); rerender(); });
$('show-masks').addEventListener('change', rerender);
$('decoder').addEventListener('change', () => { if (current) detect(current); });
window.addEventListener('resize', () => { if (demo.last) rerender(); });

// ---- picking files ---------------------------------------------------------------------------

const isModelFile = (name) => /\.(pb|pbtxt|onnx|ya?ml)$/i.test(name) || /^classes\.(txt|json)$/i.test(name);

async function readFiles(list) {
  return Promise.all([...list].map(async (f) => ({ name: f.name, type: f.type, bytes: await f.arrayBuffer() })));
}

async function useFiles(list, folderName) {
  const files = await readFiles(list);
  const modelFiles = files.filter((f) => isModelFile(f.name));
  if (folderName && !modelFiles.length) return showError(new Error(`${folderName} holds no model.pb, predict_net.pb or model.onnx`), 'cannot use the folder');
  if (modelFiles.some((f) => /\.(pb|pbtxt|onnx)$/i.test(f.name)) || folderName) return loadModel(modelFiles, folderName);
  const img = files.find((f) => !isModelFile(f.name));
  if (img) return detect(img);
  showError(new Error(`${files.map((f) => f.name).join(', ')}: neither an image nor model files`), 'cannot use the dropped files');
}

$('image-file').addEventListener('change', async (e) => {
  const [f] = e.target.files;
  e.target.value = '';
  if (f) detect((await readFiles([f]))[0]);
});
$('model-files').addEventListener('change', async (e) => {
  const files = [...e.target.files];
  e.target.value = '';
  // All of them: the worker picks the model files by name and says so when there are none.
  if (files.length) loadModel(await readFiles(files), undefined);
});
$('model-dir').addEventListener('change', async (e) => {
  const files = [...e.target.files];
  e.target.value = '';
  if (!files.length) return;
  const folder = files[0].webkitRelativePath.split('/')[0] || 'model folder';
  // Only the folder's own files: a model folder is flat.
  const top = files.filter((f) => f.webkitRelativePath.split('/').length <= 2 && isModelFile(f.name));
  if (!top.length) return showError(new Error(`${folder}/ holds no model.pb, predict_net.pb or model.onnx`), 'cannot use the folder');
  loadModel(await readFiles(top), `${folder}/`);
});
$('use-sample').addEventListener('click', (e) => { e.preventDefault(); loadSampleModel(); });

/** Files of a dropped folder (its own, not its subfolders'). */
async function folderFiles(entry) {
  const reader = entry.createReader(), entries = [];
  for (;;) {
    const batch = await new Promise((ok, fail) => reader.readEntries(ok, fail));
    if (!batch.length) break;
    entries.push(...batch);
  }
  return Promise.all(entries.filter((x) => x.isFile).map((x) => new Promise((ok, fail) => x.file(ok, fail))));
}

let dragDepth = 0;
window.addEventListener('dragenter', (e) => { e.preventDefault(); dragDepth++; $('drop').hidden = false; });
window.addEventListener('dragleave', () => { if (--dragDepth <= 0) { dragDepth = 0; $('drop').hidden = true; } });
window.addEventListener('dragover', (e) => e.preventDefault());
window.addEventListener('drop', async (e) => {
  e.preventDefault();
  dragDepth = 0;
  $('drop').hidden = true;
  const dir = [...e.dataTransfer.items].map((it) => it.webkitGetAsEntry?.()).find((x) => x?.isDirectory);
  try {
    if (dir) await useFiles((await folderFiles(dir)).filter((f) => isModelFile(f.name)), `${dir.name}/`);
    else await useFiles(e.dataTransfer.files);
  } catch (err) {
    showError(err, 'cannot read the dropped files');
  }
});

// ---- start ------------------------------------------------------------------------------------

function showSamples() {
  const want = params.get('image');
  $('samples').innerHTML = samples.images.map((src) => `<button type="button" data-src="${esc(src)}" title="${esc(src.split('/').pop())}"><img src="${esc(src)}" alt="${esc(src.split('/').pop())}"></button>`).join('');
  for (const b of $('samples').querySelectorAll('button')) {
    b.addEventListener('click', async () => {
      try {
        const src = b.dataset.src, bytes = await fetchBytes(src);
        detect({ name: src.split('/').pop(), type: src.endsWith('.png') ? 'image/png' : 'image/jpeg', bytes });
      } catch (err) {
        showError(err, 'cannot load the sample image');
      }
    });
  }
  const first = want === 'none' ? undefined : want ? [...$('samples').querySelectorAll('button')].find((b) => b.title === want) : $('samples').querySelector('button');
  if (want && want !== 'none' && !first) showError(new Error(`no sample image '${want}' (there are ${samples.images.map((s) => s.split('/').pop()).join(', ')})`), 'bad ?image= parameter');
  first?.click();
}

async function start() {
  const dec = params.get('decoder');
  if (dec) {
    if ([...$('decoder').options].some((o) => o.value === dec)) $('decoder').value = dec;
    else showError(new Error(`unknown decoder '${dec}' (browser or caffe2-ts)`), 'bad ?decoder= parameter');
  }
  render();
  try {
    samples = await (await fetch('samples.json')).json();
  } catch (err) {
    showError(err, 'cannot read samples.json (build the site with `npm run build:web`)');
    return;
  }
  await loadSampleModel();
  showSamples();
}

start();
