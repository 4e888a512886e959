// Protobuf wire format: a bounds-checked reader over a byte array and a growable writer.
// Every length read from the input is checked against the bytes left before anything is
// allocated, so a corrupt or hostile file fails with a ModelFormatError, never a huge allocation.

import { ModelFormatError } from '../core/errors.js';

export const WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_SGROUP = 3, WT_EGROUP = 4, WT_I32 = 5;

const utf8 = new TextDecoder('utf-8', { fatal: false });
const utf8enc = new TextEncoder();

export class Reader {
  readonly buf: Uint8Array;
  readonly view: DataView;
  pos: number;
  end: number;
  /** Name of the file, for error messages. */
  readonly file: string | undefined;

  constructor(buf: Uint8Array, file?: string, pos = 0, end = buf.length) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = pos;
    this.end = end;
    this.file = file;
  }

  fail(what: string, at = this.pos): never {
    throw new ModelFormatError(what, { file: this.file, offset: at });
  }

  /** Unsigned varint of up to 32 significant bits, as a non-negative number (int32 fields are handled by the caller). */
  uint32(): number {
    const b = this.buf;
    let p = this.pos;
    if (p < this.end && b[p]! < 0x80) { this.pos = p + 1; return b[p]!; }
    let v = 0, shift = 0;
    for (let i = 0; i < 10; i++) {
      if (p >= this.end) this.fail('truncated varint');
      const c = b[p++]!;
      if (shift < 32) v += (c & 0x7f) * 2 ** shift;
      shift += 7;
      if (c < 0x80) { this.pos = p; return v % 4294967296; }
    }
    this.fail('varint longer than 10 bytes');
  }

  /** A varint as (lo, hi) 32-bit halves, written into `out`. */
  varint64(out: Int32Array | Uint32Array, idx: number): void {
    const b = this.buf;
    let p = this.pos, lo = 0, hi = 0;
    for (let i = 0; i < 10; i++) {
      if (p >= this.end) this.fail('truncated varint');
      const c = b[p++]!;
      const bits = c & 0x7f;
      if (i < 4) lo |= bits << (7 * i);
      else if (i === 4) { lo |= bits << 28; hi |= bits >>> 4; }
      else hi |= bits << (7 * i - 32);
      if (c < 0x80) { this.pos = p; out[idx] = lo; out[idx + 1] = hi; return; }
    }
    this.fail('varint longer than 10 bytes');
  }

  /** A varint as a signed 64-bit bigint (two's complement, as int64 fields are encoded). */
  int64(): bigint {
    this.varint64(PAIR, 0);
    return (BigInt(PAIR[1]!) << 32n) | BigInt(PAIR[0]! >>> 0);
  }

  /** A varint as an unsigned 64-bit bigint. */
  uint64(): bigint {
    this.varint64(PAIR, 0);
    return (BigInt(PAIR[1]! >>> 0) << 32n) | BigInt(PAIR[0]! >>> 0);
  }

  /** int32 fields: sign-extended varint, low 32 bits. */
  int32(): number {
    const b = this.buf;
    const p = this.pos;
    if (p < this.end && b[p]! < 0x80) { this.pos = p + 1; return b[p]!; }
    this.varint64(PAIR, 0);
    return PAIR[0]! | 0;
  }

  bool(): boolean {
    this.varint64(PAIR, 0);
    return (PAIR[0]! | PAIR[1]!) !== 0;
  }

  fixed32(): number { this.need(4); const v = this.view.getUint32(this.pos, true); this.pos += 4; return v; }
  sfixed32(): number { this.need(4); const v = this.view.getInt32(this.pos, true); this.pos += 4; return v; }
  float(): number { this.need(4); const v = this.view.getFloat32(this.pos, true); this.pos += 4; return v; }
  double(): number { this.need(8); const v = this.view.getFloat64(this.pos, true); this.pos += 8; return v; }
  fixed64(): bigint { this.need(8); const v = this.view.getBigUint64(this.pos, true); this.pos += 8; return v; }
  sfixed64(): bigint { this.need(8); const v = this.view.getBigInt64(this.pos, true); this.pos += 8; return v; }

  need(n: number): void {
    if (n > this.end - this.pos) this.fail(`truncated: needs ${n} bytes, ${this.end - this.pos} left`);
  }

  /** Length prefix of a length-delimited field, checked against the bytes left. */
  length(): number {
    const at = this.pos;
    const n = this.uint32();
    if (n > this.end - this.pos) this.fail(`length ${n} exceeds the ${this.end - this.pos} bytes left`, at);
    return n;
  }

  bytes(): Uint8Array {
    const n = this.length();
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  string(): string {
    const n = this.length();
    const s = decodeUtf8(this.buf, this.pos, n);
    this.pos += n;
    return s;
  }

  /** Skips a field of wire type `wt`; returns nothing, throws on malformed data. */
  skip(wt: number, depth = 0): void {
    switch (wt) {
      case WT_VARINT: this.varint64(PAIR, 0); return;
      case WT_I64: this.need(8); this.pos += 8; return;
      case WT_LEN: this.pos += this.length(); return;
      case WT_I32: this.need(4); this.pos += 4; return;
      case WT_SGROUP: {
        if (depth > 64) this.fail('groups nested too deeply');
        for (;;) {
          if (this.pos >= this.end) this.fail('unterminated group');
          const tag = this.uint32();
          if ((tag & 7) === WT_EGROUP) return;
          this.skip(tag & 7, depth + 1);
        }
      }
      default: this.fail(`invalid wire type ${wt}`);
    }
  }
}

const PAIR = new Int32Array(2);

export function decodeUtf8(buf: Uint8Array, off: number, n: number): string {
  if (n < 48) {
    let s = '';
    for (let i = 0; i < n; i++) {
      const c = buf[off + i]!;
      if (c >= 0x80) return utf8.decode(buf.subarray(off, off + n));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return utf8.decode(buf.subarray(off, off + n));
}

export function encodeUtf8(s: string): Uint8Array { return utf8enc.encode(s); }

/** Byte length of `s` in UTF-8 without encoding it. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) { n += 4; i++; }
    else n += 3;
  }
  return n;
}

export function varintSize(v: number): number {
  // v is a non-negative integer below 2^53
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x200000) return 3;
  if (v < 0x10000000) return 4;
  let n = 4;
  v = Math.floor(v / 0x10000000);
  while (v > 0) { n++; v = Math.floor(v / 128); }
  return n;
}

/** Size of a signed 64-bit value as a varint (negative values take 10 bytes). */
export function varint64Size(v: bigint): number {
  if (v < 0n) return 10;
  let n = 1;
  while (v >= 0x80n) { v >>= 7n; n++; }
  return n;
}

export class Writer {
  buf: Uint8Array;
  view: DataView;
  pos = 0;

  constructor(size = 1024) {
    this.buf = new Uint8Array(Math.max(16, size));
    this.view = new DataView(this.buf.buffer);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.pos));
    this.buf = nb;
    this.view = new DataView(nb.buffer);
  }

  finish(): Uint8Array { return this.buf.slice(0, this.pos); }

  tag(field: number, wt: number): void { this.uint(field * 8 + wt); }

  /** Non-negative integer below 2^53 as a varint. */
  uint(v: number): void {
    this.ensure(10);
    const b = this.buf;
    while (v >= 0x80) {
      b[this.pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    b[this.pos++] = v;
  }

  /** int32 field value: negatives are sign-extended to 10 bytes, as protobuf does. */
  int32(v: number): void {
    if (v >= 0) this.uint(v);
    else this.int64(BigInt(v));
  }

  int64(v: bigint): void {
    let u = BigInt.asUintN(64, v);
    this.ensure(10);
    const b = this.buf;
    while (u >= 0x80n) { b[this.pos++] = Number(u & 0x7fn) | 0x80; u >>= 7n; }
    b[this.pos++] = Number(u);
  }

  /** int64 given as (lo, hi) words, avoiding BigInt for packed arrays. */
  int64Words(lo: number, hi: number): void {
    this.ensure(10);
    const b = this.buf;
    lo >>>= 0; hi >>>= 0;
    while (hi !== 0 || lo >= 0x80) {
      b[this.pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    b[this.pos++] = lo;
  }

  float(v: number): void { this.ensure(4); this.view.setFloat32(this.pos, v, true); this.pos += 4; }
  double(v: number): void { this.ensure(8); this.view.setFloat64(this.pos, v, true); this.pos += 8; }
  fixed32(v: number): void { this.ensure(4); this.view.setUint32(this.pos, v >>> 0, true); this.pos += 4; }
  sfixed32(v: number): void { this.ensure(4); this.view.setInt32(this.pos, v | 0, true); this.pos += 4; }
  fixed64(v: bigint): void { this.ensure(8); this.view.setBigUint64(this.pos, BigInt.asUintN(64, v), true); this.pos += 8; }
  sfixed64(v: bigint): void { this.ensure(8); this.view.setBigInt64(this.pos, BigInt.asIntN(64, v), true); this.pos += 8; }

  raw(bytes: Uint8Array): void { this.ensure(bytes.length); this.buf.set(bytes, this.pos); this.pos += bytes.length; }

  bytes(bytes: Uint8Array): void { this.uint(bytes.length); this.raw(bytes); }

  string(s: string): void {
    let ascii = true;
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) { ascii = false; break; }
    if (!ascii) { this.bytes(encodeUtf8(s)); return; }
    this.uint(s.length);
    this.ensure(s.length);
    const b = this.buf;
    for (let i = 0; i < s.length; i++) b[this.pos++] = s.charCodeAt(i);
  }
}
