// GatherElements and GatherND as a Gather from the flattened data: the flat position of every
// picked element (or row) is computed from the indices with int64 arithmetic (negative indices
// wrapped by their dim), the positions the indices do not pick being constants of the static
// shapes. Caffe2 has no element-wise gather; this sequence is exact.

import { Tensor } from '../../core/tensor.js';
import { strides } from '../../core/shape.js';
import type { RuleCtx } from '../context.js';
import { I, INTS, normAxis } from '../context.js';
import type { RuleSet } from './index.js';

/** `idx` as int64 with negative entries moved up by `dims` (a constant blob broadcasting against it). */
function wrapped(c: RuleCtx, idx: string, dims: string): string {
  let i = idx;
  if (c.dtype(idx) !== 'int64') { i = c.dummy(); c.emit('Cast', [idx], [i], { to: I(10) }); }
  const neg = c.dummy(), negI = c.dummy(), lift = c.dummy(), out = c.dummy();
  c.emit('LT', [i, constant(c, [0], [])], [neg]);
  c.emit('Cast', [neg], [negI], { to: I(10) });
  c.emit('Mul', [negI, dims], [lift]);
  c.emit('Add', [i, lift], [out]);
  return out;
}

function constant(c: RuleCtx, values: readonly number[], shape: readonly number[]): string {
  const name = c.dummy();
  c.emitConstant(name, Tensor.from('int64', shape, values));
  return name;
}

/** `data` reshaped to `shape` (Caffe2 Reshape's second output is a dummy). */
function reshaped(c: RuleCtx, data: string, shape: readonly number[]): string {
  const out = c.dummy();
  c.emit('Reshape', [data, constant(c, shape, [shape.length])], [out, c.dummy()]);
  return out;
}

/** out[i] = data[i with i_axis replaced by indices[i]]: Gather(flat data, base(i) + index * stride). */
const gatherElements = (c: RuleCtx): void => {
  c.only('axis');
  const data = c.in(0), idx = c.in(1);
  const ds = c.staticShape(data, 'GatherElements'), is = c.staticShape(idx, 'GatherElements');
  if (ds.length !== is.length) c.fail(`indices of rank ${is.length} for data of rank ${ds.length}`);
  const axis = normAxis(c, c.attrs.int('axis', 0), ds.length);
  const st = strides(ds), ist = strides(is);
  const n = is.reduce((a, b) => a * b, 1);
  // the flat offset of every index position, its own axis left out
  const base = new Array<number>(n);
  for (let f = 0; f < n; f++) {
    let off = 0;
    for (let k = 0; k < is.length; k++) if (k !== axis) off += (Math.floor(f / ist[k]!) % is[k]!) * st[k]!;
    base[f] = off;
  }
  const scaled = c.dummy(), flat = c.dummy();
  c.emit('Mul', [wrapped(c, idx, constant(c, [ds[axis]!], [])), constant(c, [st[axis]!], [])], [scaled]);
  c.emit('Add', [scaled, constant(c, base, is)], [flat]);
  c.emit('Gather', [reshaped(c, data, [-1]), flat], [c.out(0)]);
};

/**
 * GatherND: each index row names a slice of data after `batch_dims` shared leading dims. The data
 * is reshaped to [rows, ...slice] and the row number of every index row is the dot product of
 * its (wrapped) indices with the row strides, plus the batch offset.
 */
const gatherND = (c: RuleCtx): void => {
  c.only('batch_dims');
  const data = c.in(0), idx = c.in(1);
  const ds = c.staticShape(data, 'GatherND'), is = c.staticShape(idx, 'GatherND');
  const b = c.attrs.int('batch_dims', 0);
  const q = is[is.length - 1]!;
  if (is.length < 1 || b < 0 || b >= is.length || b + q > ds.length) c.fail(`indices ${JSON.stringify(is)} with batch_dims ${b} do not index data ${JSON.stringify(ds)}`);
  if (ds.slice(0, b).some((d, i) => d !== is[i])) c.fail(`batch dims of data ${JSON.stringify(ds)} and indices ${JSON.stringify(is)} differ`);
  const prod = (a: readonly number[]): number => a.reduce((x, y) => x * y, 1);
  const picked = ds.slice(b, b + q);
  const rowStrides = picked.map((_, k) => prod(picked.slice(k + 1)));
  const rows = prod(ds.slice(0, b + q));
  const dataR = reshaped(c, data, [rows, ...ds.slice(b + q)]);
  const terms = c.dummy(), row = c.dummy();
  c.emit('Mul', [wrapped(c, idx, constant(c, picked, [q])), constant(c, rowStrides, [q])], [terms]);
  c.emit('ReduceSum', [terms], [row], { axes: INTS([is.length - 1]), keepdims: I(0) });
  let flat = row;
  if (b > 0) {
    // batch position p (row-major over the batch dims) starts at row p * prod(picked)
    const nb = prod(is.slice(0, b));
    const off = Array.from({ length: nb }, (_, p) => p * prod(picked));
    flat = c.dummy();
    c.emit('Add', [row, constant(c, off, [...is.slice(0, b), ...new Array<number>(is.length - 1 - b).fill(1)])], [flat]);
  }
  c.emit('Gather', [dataR, flat], [c.out(0)]);
};

export const GATHER_RULES: Readonly<Record<string, RuleSet>> = {
  GatherElements: { '11+': gatherElements },
  GatherND: { '11+': gatherND },
};
