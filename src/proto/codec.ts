// Schema-driven protobuf binary codec into plain objects.
// Repeated numeric fields decode straight into typed arrays (packed or unpacked on the wire,
// as protobuf requires readers to accept both): float -> Float32Array, double -> Float64Array,
// int32/sint32/sfixed32/enum -> Int32Array, uint32/fixed32 -> Uint32Array, int64 family ->
// BigInt64Array, uint64/fixed64 -> BigUint64Array, bool -> Uint8Array. Singular 64-bit ints
// decode as bigint. Unknown fields are kept raw in `$unknown` and written back after the known
// ones. Encoding writes fields in field-number order with the schema's packed option, as the
// reference protobuf library does, so re-encoding its output is byte-identical.

import { ModelFormatError } from '../core/errors.js';
import type { FieldDesc, Kind, MessageDesc } from './schema.js';
import {
  Reader, Writer, WT_I32, WT_I64, WT_LEN, WT_VARINT, decodeUtf8, utf8Length, varint64Size, varintSize,
} from './wire.js';

export type Message = Record<string, unknown> & { $unknown?: Uint8Array[] };

export interface DecodeOptions {
  file?: string;
  /** Called with (bytes read, total) while decoding the top-level repeated fields. */
  onProgress?: (pos: number, total: number) => void;
  /** Nested message depth limit (a hostile file cannot overflow the stack). */
  maxDepth?: number;
}

const MAX_DEPTH = 100;

type NumArr = Float32Array | Float64Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array | Uint8Array;

function wireTypeOf(kind: Kind): number {
  switch (kind) {
    case 'double': case 'fixed64': case 'sfixed64': return WT_I64;
    case 'float': case 'fixed32': case 'sfixed32': return WT_I32;
    case 'string': case 'bytes': case 'message': return WT_LEN;
    default: return WT_VARINT;
  }
}

function isNumericKind(kind: Kind): boolean {
  return kind !== 'string' && kind !== 'bytes' && kind !== 'message';
}

/** Element width in bytes for fixed-width kinds, 0 for varints. */
function fixedWidth(kind: Kind): number {
  switch (kind) {
    case 'double': case 'fixed64': case 'sfixed64': return 8;
    case 'float': case 'fixed32': case 'sfixed32': return 4;
    default: return 0;
  }
}

function newNumArr(kind: Kind, n: number): NumArr {
  switch (kind) {
    case 'float': return new Float32Array(n);
    case 'double': return new Float64Array(n);
    case 'int32': case 'sint32': case 'sfixed32': case 'enum': return new Int32Array(n);
    case 'uint32': case 'fixed32': return new Uint32Array(n);
    case 'int64': case 'sint64': case 'sfixed64': return new BigInt64Array(n);
    case 'uint64': case 'fixed64': return new BigUint64Array(n);
    case 'bool': return new Uint8Array(n);
    default: throw new Error(`not a numeric kind: ${kind}`);
  }
}

const EMPTY = new Map<Kind, NumArr>();
function emptyOf(f: FieldDesc): unknown {
  if (!isNumericKind(f.kind)) return [];
  let e = EMPTY.get(f.kind);
  if (!e) EMPTY.set(f.kind, (e = newNumArr(f.kind, 0)));
  return e;
}

/** Growable typed array for one repeated numeric field of one message being decoded. */
class Acc {
  arr: NumArr;
  n = 0;
  /** 32-bit word view for the 64-bit kinds, so varints land without BigInt. */
  words: Int32Array | undefined;
  constructor(readonly kind: Kind, cap: number) {
    this.arr = newNumArr(kind, cap);
    this.words = this.arr instanceof BigInt64Array || this.arr instanceof BigUint64Array ? new Int32Array(this.arr.buffer) : undefined;
  }
  reserve(extra: number): void {
    if (this.n + extra <= this.arr.length) return;
    let cap = Math.max(8, this.arr.length * 2);
    while (cap < this.n + extra) cap *= 2;
    const na = newNumArr(this.kind, cap);
    (na as Float32Array).set(this.arr.subarray(0, this.n) as Float32Array);
    this.arr = na;
    if (this.words) this.words = new Int32Array(na.buffer);
  }
  result(): NumArr { return this.n === this.arr.length ? this.arr : (this.arr.slice(0, this.n) as NumArr); }
}

function zigzag32(v: number): number { return (v >>> 1) ^ -(v & 1); }

/** Reads one element of numeric `kind` (wire form already checked) into acc at acc.n. */
function readNumInto(r: Reader, kind: Kind, acc: Acc): void {
  const a = acc.arr as unknown as { [i: number]: number };
  const i = acc.n++;
  switch (kind) {
    case 'float': a[i] = r.float(); return;
    case 'double': a[i] = r.double(); return;
    case 'int32': case 'enum': a[i] = r.int32(); return;
    case 'uint32': a[i] = r.uint32(); return;
    case 'sint32': a[i] = zigzag32(r.uint32()); return;
    case 'fixed32': a[i] = r.fixed32(); return;
    case 'sfixed32': a[i] = r.sfixed32(); return;
    case 'bool': a[i] = r.bool() ? 1 : 0; return;
    case 'int64': case 'uint64': r.varint64(acc.words!, 2 * i); return;
    case 'sint64': {
      r.varint64(acc.words!, 2 * i);
      const w = acc.words!, lo = w[2 * i]!, hi = w[2 * i + 1]!;
      const sign = -(lo & 1);
      w[2 * i] = ((lo >>> 1) | (hi << 31)) ^ sign;
      w[2 * i + 1] = (hi >>> 1) ^ sign;
      return;
    }
    case 'fixed64': case 'sfixed64': {
      r.need(8);
      acc.words![2 * i] = r.view.getInt32(r.pos, true);
      acc.words![2 * i + 1] = r.view.getInt32(r.pos + 4, true);
      r.pos += 8;
      return;
    }
    default: throw new Error(`not numeric: ${kind}`);
  }
}

function readScalar(r: Reader, f: FieldDesc, depth: number, opts: DecodeOptions): unknown {
  switch (f.kind) {
    case 'float': return r.float();
    case 'double': return r.double();
    case 'int32': case 'enum': return r.int32();
    case 'uint32': return r.uint32();
    case 'sint32': return zigzag32(r.uint32());
    case 'fixed32': return r.fixed32();
    case 'sfixed32': return r.sfixed32();
    case 'bool': return r.bool();
    case 'int64': return r.int64();
    case 'uint64': return r.uint64();
    case 'sint64': { const u = r.uint64(); return (u >> 1n) ^ -(u & 1n); }
    case 'fixed64': return r.fixed64();
    case 'sfixed64': return r.sfixed64();
    case 'string': return r.string();
    case 'bytes': return r.bytes();
    case 'message': {
      const n = r.length();
      const end = r.pos + n;
      const saveEnd = r.end;
      r.end = end;
      const m = decodeFields(r, f.msg!, depth + 1, opts, false);
      r.end = saveEnd;
      return m;
    }
  }
}

function decodeFields(r: Reader, desc: MessageDesc, depth: number, opts: DecodeOptions, top: boolean): Message {
  if (depth > (opts.maxDepth ?? MAX_DEPTH)) r.fail(`messages nested deeper than ${opts.maxDepth ?? MAX_DEPTH}`);
  const out: Message = {};
  let accs: Map<FieldDesc, Acc> | undefined;
  let lastReport = r.pos;
  const total = r.end;
  while (r.pos < r.end) {
    const tagAt = r.pos;
    const tag = r.uint32();
    const num = Math.floor(tag / 8), wt = tag & 7;
    if (num === 0) r.fail('invalid field number 0', tagAt);
    const f = desc.byNum.get(num);
    if (!f) {
      r.skip(wt);
      (out.$unknown ??= []).push(r.buf.slice(tagAt, r.pos));
      continue;
    }
    const expected = wireTypeOf(f.kind);
    if (f.repeated && isNumericKind(f.kind)) {
      accs ??= new Map();
      let acc = accs.get(f);
      if (wt === WT_LEN) {
        // packed run
        const n = r.length();
        const end = r.pos + n;
        const w = fixedWidth(f.kind);
        let count: number;
        if (w) {
          if (n % w) r.fail(`packed field '${desc.name}.${f.name}' has ${n} bytes, not a multiple of ${w}`, tagAt);
          count = n / w;
        } else {
          count = 0;
          for (let p = r.pos; p < end; p++) if (r.buf[p]! < 0x80) count++;
        }
        if (!acc) accs.set(f, (acc = new Acc(f.kind, count)));
        else acc.reserve(count);
        const saveEnd = r.end;
        r.end = end;
        if (f.kind === 'float' && count > 0) readFloatsPacked(r, acc, count);
        else while (r.pos < end) readNumInto(r, f.kind, acc);
        r.end = saveEnd;
        if (r.pos !== end) r.fail(`packed field '${desc.name}.${f.name}' ends inside a value`, tagAt);
      } else if (wt === expected) {
        // unpacked element; count the run of identical tags that follows to size the array once
        const w = fixedWidth(f.kind);
        if (w && !acc) {
          const tagLen = r.pos - tagAt;
          if (f.kind === 'float' && tagLen === 1) {
            // one pass: size for a run to the end of this message (where Caffe2's Argument.floats
            // ends), read while the tag repeats; an early end trims the array once
            const cap = Math.max(1, Math.floor((r.end - tagAt) / 5));
            accs.set(f, (acc = new Acc(f.kind, cap)));
            readFloatRun(r, acc, r.buf[tagAt]!, cap);
            continue;
          }
          const run = countRun(r.buf, tagAt, r.end, tagLen, w);
          accs.set(f, (acc = new Acc(f.kind, run)));
          if (f.kind === 'float') { readFloatsUnpacked(r, acc, run, tagLen); continue; }
        }
        if (!acc) accs.set(f, (acc = new Acc(f.kind, 8)));
        acc.reserve(1);
        readNumInto(r, f.kind, acc);
      } else {
        r.fail(`field '${desc.name}.${f.name}' has wire type ${wt}, expected ${expected} or 2 (packed)`, tagAt);
      }
    } else {
      if (wt !== expected) r.fail(`field '${desc.name}.${f.name}' has wire type ${wt}, expected ${expected}`, tagAt);
      const v = readScalar(r, f, depth, opts);
      if (f.repeated) {
        const arr = out[f.name] as unknown[] | undefined;
        if (arr) arr.push(v); else out[f.name] = [v];
      } else if (f.kind === 'message' && out[f.name] !== undefined) {
        // protobuf merges repeated occurrences of a singular message field
        out[f.name] = mergeMessages(out[f.name] as Message, v as Message, f.msg!);
      } else {
        out[f.name] = v;
      }
    }
    if (top && opts.onProgress && r.pos - lastReport > 1 << 20) { lastReport = r.pos; opts.onProgress(r.pos, total); }
  }
  if (accs) for (const [f, acc] of accs) out[f.name] = acc.result();
  for (const f of desc.fields) if (f.repeated && out[f.name] === undefined) out[f.name] = emptyOf(f);
  if (top && opts.onProgress) opts.onProgress(r.pos, total);
  return out;
}

function mergeMessages(a: Message, b: Message, desc: MessageDesc): Message {
  const out: Message = { ...a };
  for (const f of desc.fields) {
    const bv = b[f.name];
    if (bv === undefined) continue;
    if (f.repeated) {
      const av = a[f.name] as ArrayLike<unknown> & { length: number };
      if (!av || av.length === 0) { out[f.name] = bv; continue; }
      if (Array.isArray(av)) out[f.name] = [...av, ...(bv as unknown[])];
      else {
        const t = av as Float32Array, u = bv as Float32Array;
        const m = new (t.constructor as Float32ArrayConstructor)(t.length + u.length);
        m.set(t); m.set(u, t.length);
        out[f.name] = m;
      }
    } else if (f.kind === 'message' && a[f.name] !== undefined) {
      out[f.name] = mergeMessages(a[f.name] as Message, bv as Message, f.msg!);
    } else out[f.name] = bv;
  }
  if (b.$unknown) out.$unknown = [...(a.$unknown ?? []), ...b.$unknown];
  return out;
}

/** Number of consecutive fixed-width elements with the same tag starting at `at`. */
function countRun(buf: Uint8Array, at: number, end: number, tagLen: number, w: number): number {
  const step = tagLen + w;
  let n = 0, p = at;
  if (tagLen === 1) {
    // the common case (field numbers below 16): one byte to compare per element
    const t = buf[at]!;
    const last = end - step;
    while (p <= last && buf[p] === t) { n++; p += step; }
    return Math.max(1, n);
  }
  outer: while (p + step <= end) {
    for (let k = 0; k < tagLen; k++) if (buf[p + k] !== buf[at + k]) break outer;
    n++;
    p += step;
  }
  return Math.max(1, n);
}

function readFloatsPacked(r: Reader, acc: Acc, count: number): void {
  const a = acc.arr as Float32Array;
  const start = acc.n;
  const off = r.buf.byteOffset + r.pos;
  if (off % 4 === 0) a.set(new Float32Array(r.buf.buffer, off, count), start);
  else {
    const bits = new Uint32Array(a.buffer, a.byteOffset + 4 * start, count);
    const v = r.view;
    let p = r.pos;
    for (let i = 0; i < count; i++, p += 4) bits[i] = v.getUint32(p, true);
  }
  acc.n += count;
  r.pos += count * 4;
}

/** Reads `run` unpacked floats (tag + 4 bytes each); the first tag has already been read. */
/** Reads unpacked floats with a one-byte tag (the first tag already read) until the tag changes. */
function readFloatRun(r: Reader, acc: Acc, tag: number, cap: number): void {
  const a = new Uint32Array(acc.arr.buffer, acc.arr.byteOffset, cap);
  const v = r.view, b = r.buf;
  let p = r.pos;
  a[0] = v.getUint32(p, true);
  p += 4;
  let n = 1;
  const last = r.end - 5;
  while (n < cap && p <= last && b[p] === tag) { a[n++] = v.getUint32(p + 1, true); p += 5; }
  acc.n = n;
  r.pos = p;
}

function readFloatsUnpacked(r: Reader, acc: Acc, run: number, tagLen: number): void {
  // read the bit patterns as uint32: no float round trip, so NaN payloads survive exactly
  const a = new Uint32Array(acc.arr.buffer, acc.arr.byteOffset, run);
  const v = r.view;
  let p = r.pos;
  const step = tagLen + 4;
  a[0] = v.getUint32(p, true);
  p += 4;
  for (let i = 1; i < run; i++, p += step) a[i] = v.getUint32(p + tagLen, true);
  acc.n = run;
  r.pos = p;
}

/** Decodes one message of type `desc` from `bytes`. */
export function decodeMessage<T = Message>(desc: MessageDesc, bytes: Uint8Array, opts: DecodeOptions = {}): T {
  const r = new Reader(bytes, opts.file);
  try {
    return decodeFields(r, desc, 0, opts, true) as T;
  } catch (e) {
    if (e instanceof RangeError) throw new ModelFormatError(`cannot decode ${desc.name}: ${e.message}`, { file: opts.file });
    throw e;
  }
}

// ---------------------------------------------------------------- encoding

function scalarSize(kind: Kind, v: unknown): number {
  switch (kind) {
    case 'float': case 'fixed32': case 'sfixed32': return 4;
    case 'double': case 'fixed64': case 'sfixed64': return 8;
    case 'bool': return 1;
    case 'int32': case 'enum': return (v as number) < 0 ? 10 : varintSize(v as number);
    case 'uint32': return varintSize((v as number) >>> 0);
    case 'sint32': { const n = v as number; return varintSize(((n << 1) ^ (n >> 31)) >>> 0); }
    case 'int64': return varint64Size(BigInt(v as bigint));
    case 'uint64': return varint64Size(BigInt.asUintN(64, BigInt(v as bigint)));
    case 'sint64': { const n = BigInt(v as bigint); return varint64Size(BigInt.asUintN(64, (n << 1n) ^ (n >> 63n))); }
    case 'string': { const n = utf8Length(v as string); return varintSize(n) + n; }
    case 'bytes': { const n = (v as Uint8Array).length; return varintSize(n) + n; }
    default: throw new Error(`not scalar: ${kind}`);
  }
}

function writeScalar(w: Writer, kind: Kind, v: unknown): void {
  switch (kind) {
    case 'float': w.float(v as number); return;
    case 'double': w.double(v as number); return;
    case 'fixed32': w.fixed32(v as number); return;
    case 'sfixed32': w.sfixed32(v as number); return;
    case 'fixed64': w.fixed64(BigInt(v as bigint)); return;
    case 'sfixed64': w.sfixed64(BigInt(v as bigint)); return;
    case 'bool': w.uint(v ? 1 : 0); return;
    case 'int32': case 'enum': w.int32(v as number); return;
    case 'uint32': w.uint((v as number) >>> 0); return;
    case 'sint32': { const n = v as number; w.uint(((n << 1) ^ (n >> 31)) >>> 0); return; }
    case 'int64': case 'uint64': w.int64(BigInt(v as bigint)); return;
    case 'sint64': { const n = BigInt(v as bigint); w.int64((n << 1n) ^ (n >> 63n)); return; }
    case 'string': w.string(v as string); return;
    case 'bytes': w.bytes(v as Uint8Array); return;
    default: throw new Error(`not scalar: ${kind}`);
  }
}

function tagSize(num: number): number { return varintSize(num * 8); }

class Sizer {
  readonly sizes = new Map<object, number>();

  message(m: Message, desc: MessageDesc): number {
    let n = 0;
    for (const f of desc.fields) {
      const v = m[f.name];
      if (v === undefined || v === null) continue;
      if (f.repeated) {
        const arr = v as ArrayLike<unknown>;
        if (arr.length === 0) continue;
        if (f.kind === 'message') {
          for (let i = 0; i < arr.length; i++) {
            const s = this.message(arr[i] as Message, f.msg!);
            n += tagSize(f.num) + varintSize(s) + s;
          }
        } else if (f.packed) {
          const body = this.packedBody(f, arr);
          n += tagSize(f.num) + varintSize(body) + body;
        } else {
          n += arr.length * tagSize(f.num) + this.elements(f.kind, arr);
        }
      } else if (f.kind === 'message') {
        const s = this.message(v as Message, f.msg!);
        n += tagSize(f.num) + varintSize(s) + s;
      } else n += tagSize(f.num) + scalarSize(f.kind, v);
    }
    if (m.$unknown) for (const u of m.$unknown) n += u.length;
    this.sizes.set(m, n);
    return n;
  }

  elements(kind: Kind, arr: ArrayLike<unknown>): number {
    const w = fixedWidth(kind);
    if (w) return w * arr.length;
    if (kind === 'bool') return arr.length;
    let n = 0;
    for (let i = 0; i < arr.length; i++) n += scalarSize(kind, arr[i]);
    return n;
  }

  packedBody(f: FieldDesc, arr: ArrayLike<unknown>): number {
    const s = this.elements(f.kind, arr);
    this.sizes.set(arr as object, s);
    return s;
  }
}

function writeMessage(w: Writer, m: Message, desc: MessageDesc, sizer: Sizer): void {
  for (const f of desc.fields) {
    const v = m[f.name];
    if (v === undefined || v === null) continue;
    if (f.repeated) {
      const arr = v as ArrayLike<unknown>;
      if (arr.length === 0) continue;
      if (f.kind === 'message') {
        for (let i = 0; i < arr.length; i++) {
          const sub = arr[i] as Message;
          w.tag(f.num, WT_LEN);
          w.uint(sizer.sizes.get(sub)!);
          writeMessage(w, sub, f.msg!, sizer);
        }
      } else if (f.packed) {
        w.tag(f.num, WT_LEN);
        w.uint(sizer.sizes.get(arr as object)!);
        writeElements(w, f.kind, arr);
      } else if (f.kind === 'float' && arr instanceof Float32Array) {
        writeFloatsUnpacked(w, f.num, arr);
      } else {
        const wt = wireTypeOf(f.kind);
        for (let i = 0; i < arr.length; i++) { w.tag(f.num, wt); writeScalar(w, f.kind, arr[i]); }
      }
    } else if (f.kind === 'message') {
      w.tag(f.num, WT_LEN);
      w.uint(sizer.sizes.get(v as object)!);
      writeMessage(w, v as Message, f.msg!, sizer);
    } else {
      w.tag(f.num, wireTypeOf(f.kind));
      writeScalar(w, f.kind, v);
    }
  }
  if (m.$unknown) for (const u of m.$unknown) w.raw(u);
}

function writeElements(w: Writer, kind: Kind, arr: ArrayLike<unknown>): void {
  if (kind === 'float' && arr instanceof Float32Array) {
    w.ensure(arr.length * 4);
    const off = w.buf.byteOffset + w.pos;
    if (off % 4 === 0) new Float32Array(w.buf.buffer, off, arr.length).set(arr);
    else {
      const bits = new Uint32Array(arr.buffer, arr.byteOffset, arr.length);
      for (let i = 0; i < arr.length; i++) w.view.setUint32(w.pos + 4 * i, bits[i]!, true);
    }
    w.pos += arr.length * 4;
    return;
  }
  if ((kind === 'int64' || kind === 'uint64') && (arr instanceof BigInt64Array || arr instanceof BigUint64Array)) {
    const words = new Int32Array(arr.buffer, arr.byteOffset, arr.length * 2);
    for (let i = 0; i < arr.length; i++) w.int64Words(words[2 * i]!, words[2 * i + 1]!);
    return;
  }
  for (let i = 0; i < arr.length; i++) writeScalar(w, kind, arr[i]);
}

function writeFloatsUnpacked(w: Writer, num: number, arr: Float32Array): void {
  const t = new Writer(8);
  t.tag(num, WT_I32);
  const tag = t.finish();
  const step = tag.length + 4;
  w.ensure(step * arr.length);
  const b = w.buf, v = w.view;
  // write bit patterns (uint32), so NaN payloads are kept exactly
  const bits = new Uint32Array(arr.buffer, arr.byteOffset, arr.length);
  let p = w.pos;
  for (let i = 0; i < arr.length; i++) {
    for (let k = 0; k < tag.length; k++) b[p + k] = tag[k]!;
    v.setUint32(p + tag.length, bits[i]!, true);
    p += step;
  }
  w.pos = p;
}

/** Encodes `m` as a message of type `desc`. */
export function encodeMessage(desc: MessageDesc, m: Message): Uint8Array {
  const sizer = new Sizer();
  const size = sizer.message(m, desc);
  const w = new Writer(size);
  writeMessage(w, m, desc, sizer);
  if (w.pos !== size) throw new Error(`internal: encoded ${w.pos} bytes, sized ${size}`);
  return w.buf.length === size ? w.buf : w.finish();
}

export { decodeUtf8 };
