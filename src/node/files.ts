// Node-only edges: reading model files and .npy inputs from disk, writing outputs.

import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError, ModelFormatError } from '../core/errors.js';
import { readNpy, writeNpy } from '../core/npy.js';
import type { Tensor } from '../core/tensor.js';
import { Caffe2Model, type LoadOptions } from '../caffe2/model.js';
import { defaultThreads, nodeWorkerSpawner } from './threads.js';
import { caffe2Message, decodeNetDef, type NetDef } from '../proto/caffe2.js';
import { parseText } from '../proto/text.js';
import { defaultRegistry } from '../ops/index.js';
import { readTensorProtos } from '../caffe2/tensor_proto.js';

export interface ModelPaths { predict: string; init: string | undefined }

/** model_dir (model.pb + model_init.pb), or a model.pb / .pbtxt with an optional init file. */
export function resolveModelPaths(path: string, init?: string): ModelPaths {
  if (!existsSync(path)) throw new InputError(`no such file or directory`, { file: path });
  if (statSync(path).isDirectory()) {
    const predict = ['model.pb', 'predict_net.pb', 'model.pbtxt', 'predict_net.pbtxt'].map((f) => join(path, f)).find(existsSync);
    if (!predict) throw new InputError('model directory holds no model.pb (or predict_net.pb)', { file: path });
    const initPath = init ?? ['model_init.pb', 'init_net.pb', 'model_init.pbtxt', 'init_net.pbtxt'].map((f) => join(path, f)).find(existsSync);
    return { predict, init: initPath };
  }
  if (init && !existsSync(init)) throw new InputError('no such file', { file: init });
  if (!init) {
    const guess = join(dirname(path), basename(path).replace(/(predict_net|model)(\.pb(txt)?)$/, (_m, a: string, ext: string) => `${a === 'model' ? 'model_init' : 'init_net'}${ext}`));
    if (guess !== path && existsSync(guess)) init = guess;
  }
  return { predict: path, init };
}

/** Reads a NetDef from a binary .pb or a text .pbtxt file. */
export function readNetDef(path: string, onProgress?: (done: number, total: number) => void): NetDef {
  const bytes = readFileSync(path);
  if (/\.(pbtxt|prototxt|txt)$/.test(path)) return parseText<NetDef>(bytes.toString('utf8'), caffe2Message('NetDef'), basename(path));
  return decodeNetDef(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { file: basename(path), ...(onProgress ? { onProgress } : {}) });
}

/**
 * Loads model.pb + model_init.pb from a directory or file. Node's defaults: SIMD kernels, and
 * threads = every core (worker_threads; `threads: 1` or 0 runs on the calling thread only).
 */
export function loadModel(path: string, opts: Partial<LoadOptions> & { init?: string } = {}): Caffe2Model {
  const p = resolveModelPaths(path, opts.init);
  const onProgress = opts.onProgress;
  const predictNet = readNetDef(p.predict);
  const initNet = p.init ? readNetDef(p.init, onProgress ? (d, t) => onProgress(d, t, 'decode') : undefined) : undefined;
  return new Caffe2Model(predictNet, initNet, {
    registry: opts.registry ?? defaultRegistry,
    predictFile: basename(p.predict),
    ...(p.init ? { initFile: basename(p.init) } : {}),
    ...(onProgress ? { onProgress } : {}),
    ...(opts.bufferFactory ? { bufferFactory: opts.bufferFactory } : {}),
    ...(opts.poison ? { poison: true } : {}),
    ...(opts.simd !== undefined ? { simd: opts.simd } : {}),
    threads: opts.threads ?? defaultThreads(),
    spawnWorker: opts.spawnWorker ?? nodeWorkerSpawner,
    ...(opts.maxTensorBytes !== undefined ? { maxTensorBytes: opts.maxTensorBytes } : {}),
  });
}

export function readNpyFile(path: string): Tensor {
  if (!existsSync(path)) throw new InputError('no such file', { file: path });
  const b = readFileSync(path);
  return readNpy(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), path);
}

/**
 * A tensor from a .npy file, or from a TensorProtos blob dump (.pb): its only tensor, or the one
 * named `blob`.
 */
export function readTensorFile(path: string, blob: string): Tensor {
  if (!/\.pb$/.test(path)) return readNpyFile(path);
  const all = readTensorProtos(readBytes(path), basename(path));
  const t = all.size === 1 ? [...all.values()][0]! : all.get(blob);
  if (!t) throw new InputError(`holds no tensor named '${blob}' (it has ${[...all.keys()].map((k) => `'${k}'`).join(', ') || 'none'})`, { file: path });
  return t;
}

export function writeNpyFile(path: string, t: Tensor): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, writeNpy(t));
}

export function readBytes(path: string): Uint8Array {
  if (!existsSync(path)) throw new InputError('no such file', { file: path });
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export { ModelFormatError };
