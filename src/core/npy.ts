// numpy .npy files (format versions 1, 2 and 3; C order), bytes in and out, browser-safe.
// Reads little- and big-endian float16/32/64, int8/16/32/64, uint8/16 and bool.

import { NPY_DESCR, viewStorage, type DType, type NumericDType } from './dtype.js';
import { InputError } from './errors.js';
import { numel } from './shape.js';
import { Tensor } from './tensor.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const DESCR_TO_DTYPE: Record<string, DType> = {
  f4: 'float32', f8: 'float64', f2: 'float16', i1: 'int8', i2: 'int16', i4: 'int32', i8: 'int64',
  u1: 'uint8', u2: 'uint16', b1: 'bool',
};

export function readNpy(bytes: Uint8Array, file = 'array.npy'): Tensor {
  const fail = (what: string): never => { throw new InputError(what, { file }); };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('not a .npy file (bad magic)');
  const major = bytes[6]!;
  if (major < 1 || major > 3) fail(`unsupported .npy version ${major}.${bytes[7]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : bytes.length >= 12 ? view.getUint32(8, true) : fail('truncated header');
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) fail(`header length ${headerLen} exceeds the file`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeTxt = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeTxt === undefined) fail(`malformed header ${JSON.stringify(header.trim())}`);
  if (fortran === 'True') fail('Fortran-order arrays are not supported (save with np.ascontiguousarray)');
  const shape = shapeTxt!.split(',').map((s) => s.trim()).filter((s) => s.length).map((s) => {
    const n = Number(s.replace(/L$/, ''));
    if (!Number.isSafeInteger(n) || n < 0) fail(`bad dim '${s}' in shape (${shapeTxt})`);
    return n;
  });
  const order = descr![0]!, code = descr!.slice(1);
  const dtype = DESCR_TO_DTYPE[code];
  if (!dtype || !'<>|='.includes(order)) fail(`unsupported dtype '${descr}'`);
  const n = numel(shape);
  const width = Number(code.slice(1));
  const dataStart = start + headerLen;
  if (n * width > bytes.length - dataStart) fail(`data holds ${bytes.length - dataStart} bytes, shape (${shape.join(', ')}) of ${descr} needs ${n * width}`);
  // a copy at offset 0: `slice` on a Node Buffer (readFileSync) returns a view of a shared pool
  const raw = new Uint8Array(n * width);
  raw.set(bytes.subarray(dataStart, dataStart + n * width));
  if (order === '>' && width > 1) {
    for (let i = 0; i < raw.length; i += width) raw.subarray(i, i + width).reverse();
  }
  return new Tensor(dtype!, shape, viewStorage(dtype as NumericDType, raw.buffer, 0, n) as Tensor['data']);
}

export function writeNpy(t: Tensor): Uint8Array {
  const descr = NPY_DESCR[t.dtype];
  if (!descr) throw new InputError(`cannot write a ${t.dtype} tensor as .npy`);
  const shape = t.shape.length === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const v1 = header.length + 11 < 65536;
  const pre = v1 ? 10 : 12;
  const total = Math.ceil((pre + header.length + 1) / 64) * 64;
  header = header.padEnd(total - pre - 1, ' ') + '\n';
  const data = t.data as Uint8Array;
  const out = new Uint8Array(total + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = v1 ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (v1) view.setUint16(8, header.length, true); else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[pre + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), total);
  return out;
}
