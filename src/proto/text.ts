// Protobuf text format (what Caffe2 writes as model.pbtxt / *.pbtxt), schema-driven:
// parse into the same plain objects the binary codec produces, and print them back.

import { ModelFormatError } from '../core/errors.js';
import type { Message } from './codec.js';
import type { FieldDesc, MessageDesc } from './schema.js';
import { decodeUtf8, encodeUtf8 } from './wire.js';

// ------------------------------------------------------------------ printing

const F32 = new Float32Array(1);

/** A short decimal that reads back as the same float32 (shortest except in rare ties). */
export function formatFloat32(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const plain = String(v);
  if (plain.length <= 8) return plain; // the double's own shortest form is short already
  // drop digits from 9 (always enough for a float32) while the value still reads back
  let best = v.toPrecision(9);
  for (let p = 8; p >= 1; p--) {
    const t = v.toPrecision(p);
    F32[0] = Number(t);
    if (F32[0] !== v) break;
    best = t;
  }
  return tidyNumber(best);
}

export function formatFloat64(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return String(v);
}

/** `1.500e+2` -> `150`, `1.0e-05` -> `1e-05`-style; keeps what Number() parses. */
function tidyNumber(s: string): string {
  const n = Number(s);
  const plain = String(n);
  return plain.length <= s.length ? plain : s;
}

/** A string field as it appears between quotes: itself when it is plain printable ASCII. */
function quoteString(v: string): string {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f || c === 0x22 || c === 0x27 || c === 0x5c) return escapeBytes(encodeUtf8(v));
  }
  return v;
}

function escapeBytes(b: Uint8Array): string {
  let s = '';
  for (const c of b) {
    if (c === 0x0a) s += '\\n';
    else if (c === 0x0d) s += '\\r';
    else if (c === 0x09) s += '\\t';
    else if (c === 0x22) s += '\\"';
    else if (c === 0x27) s += "\\'";
    else if (c === 0x5c) s += '\\\\';
    else if (c < 0x20 || c >= 0x7f) s += '\\' + c.toString(8).padStart(3, '0');
    else s += String.fromCharCode(c);
  }
  return s;
}

function formatScalar(f: FieldDesc, v: unknown): string {
  switch (f.kind) {
    case 'float': return formatFloat32(v as number);
    case 'double': return formatFloat64(v as number);
    case 'bool': return v ? 'true' : 'false';
    case 'string': return `"${quoteString(v as string)}"`;
    case 'bytes': return `"${escapeBytes(v as Uint8Array)}"`;
    case 'enum': return f.enumDesc!.names.get(v as number) ?? String(v);
    default: return String(v);
  }
}

function printMessage(m: Message, desc: MessageDesc, indent: string, out: string[]): void {
  for (const f of desc.fields) {
    const v = m[f.name];
    if (v === undefined || v === null) continue;
    const items: ArrayLike<unknown> = f.repeated ? (v as ArrayLike<unknown>) : [v];
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      if (f.kind === 'message') {
        out.push(`${indent}${f.name} {`);
        printMessage(it as Message, f.msg!, indent + '  ', out);
        out.push(`${indent}}`);
      } else {
        const x = f.repeated && f.kind === 'bool' ? it !== 0 && it !== false : it;
        out.push(`${indent}${f.name}: ${formatScalar(f, x)}`);
      }
    }
  }
}

/** Prints `m` in protobuf text format, one field per line, two-space indent. */
export function printText(m: Message, desc: MessageDesc): string {
  const out: string[] = [];
  printMessage(m, desc, '', out);
  return out.join('\n') + (out.length ? '\n' : '');
}

// ------------------------------------------------------------------ parsing

type Tok =
  | { t: 'id'; v: string; at: number }
  | { t: 'num'; v: string; at: number }
  | { t: 'str'; v: Uint8Array; at: number }
  | { t: 'p'; v: string; at: number }
  | { t: 'eof'; at: number };

// sticky: matched in place at lastIndex, without slicing the source
const NUM_RE = /-?\s*(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)[fF]?|-?\s*(?:inf(?:inity)?|nan)\b/iy;
const ID_RE = /[A-Za-z_][A-Za-z0-9_.]*/y;
const PUNCT = new Set([...'{}<>:[],;'].map((ch) => ch.charCodeAt(0)));
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

class Lexer {
  pos = 0;
  private peeked: Tok | undefined;
  constructor(readonly src: string, readonly file: string | undefined) {}

  fail(what: string, at: number): never {
    let line = 1, col = 1;
    for (let i = 0; i < at && i < this.src.length; i++) {
      if (this.src.charCodeAt(i) === 10) { line++; col = 1; } else col++;
    }
    throw new ModelFormatError(`${what} (line ${line}, column ${col})`, { file: this.file });
  }

  peek(): Tok { return (this.peeked ??= this.lex()); }
  next(): Tok { const t = this.peek(); this.peeked = undefined; return t; }

  private skipSpace(): void {
    const s = this.src, n = s.length;
    let p = this.pos;
    for (;;) {
      while (p < n && isSpace(s.charCodeAt(p))) p++;
      if (p < n && s.charCodeAt(p) === 35 /* # */) { while (p < n && s.charCodeAt(p) !== 10) p++; continue; }
      break;
    }
    this.pos = p;
  }

  private lex(): Tok {
    const s = this.src;
    this.skipSpace();
    const at = this.pos;
    if (at >= s.length) return { t: 'eof', at };
    const c = s.charCodeAt(at);
    if (PUNCT.has(c)) { this.pos++; return { t: 'p', v: s[at]!, at }; }
    if (c === 34 || c === 39) {
      const parts: number[] = [];
      // adjacent string literals concatenate
      while (this.pos < s.length && (s.charCodeAt(this.pos) === 34 || s.charCodeAt(this.pos) === 39)) {
        this.readString(parts);
        this.skipSpace();
      }
      return { t: 'str', v: Uint8Array.from(parts), at };
    }
    if (c === 45 || c === 46 || (c >= 48 && c <= 57)) {
      NUM_RE.lastIndex = at;
      const m = NUM_RE.exec(s);
      if (m) { this.pos += m[0].length; return { t: 'num', v: c === 45 ? m[0].replace(/\s+/g, '') : m[0], at }; }
    }
    ID_RE.lastIndex = at;
    const id = ID_RE.exec(s);
    if (id) { this.pos += id[0].length; return { t: 'id', v: id[0], at }; }
    this.fail(`unexpected character '${s[at]}'`, at);
  }

  private readString(out: number[]): void {
    const s = this.src;
    const q = s[this.pos]!;
    const start = this.pos++;
    for (;;) {
      if (this.pos >= s.length || s[this.pos] === '\n') this.fail('unterminated string', start);
      const ch = s[this.pos++]!;
      if (ch === q) return;
      if (ch !== '\\') {
        const code = ch.charCodeAt(0);
        if (code < 0x80) out.push(code);
        else {
          const cp = s.codePointAt(this.pos - 1)!;
          if (cp > 0xffff) this.pos++;
          for (const b of encodeUtf8(String.fromCodePoint(cp))) out.push(b);
        }
        continue;
      }
      const e = s[this.pos++];
      switch (e) {
        case 'n': out.push(10); break;
        case 'r': out.push(13); break;
        case 't': out.push(9); break;
        case 'a': out.push(7); break;
        case 'b': out.push(8); break;
        case 'f': out.push(12); break;
        case 'v': out.push(11); break;
        case '\\': out.push(0x5c); break;
        case "'": out.push(0x27); break;
        case '"': out.push(0x22); break;
        case '?': out.push(0x3f); break;
        case 'x': case 'X': {
          const h = /^[0-9a-fA-F]{1,2}/.exec(s.slice(this.pos, this.pos + 2));
          if (!h) this.fail('bad \\x escape', this.pos);
          out.push(parseInt(h[0], 16));
          this.pos += h[0].length;
          break;
        }
        default: {
          const o = /^[0-7]{1,3}/.exec(s.slice(this.pos - 1, this.pos + 2));
          if (!o) this.fail(`bad escape '\\${e ?? ''}'`, this.pos - 2);
          out.push(parseInt(o[0], 8) & 0xff);
          this.pos += o[0].length - 1;
        }
      }
    }
  }
}

const INT64_MIN = -(2n ** 63n), INT64_MAX = 2n ** 63n - 1n, UINT64_MAX = 2n ** 64n - 1n;

const PLAIN_INT = /^-?(?:0|[1-9]\d{0,14})$/;

function parseIntToken(tok: Tok, lx: Lexer): bigint {
  if (tok.t === 'num' && PLAIN_INT.test(tok.v)) return BigInt(tok.v);
  if (tok.t !== 'num' || /[.eEfFnN]/.test(tok.v.replace(/^-?0[xX][0-9a-fA-F]+$/, ''))) {
    lx.fail(`expected an integer, got ${tokText(tok)}`, tok.at);
  }
  const neg = tok.v.startsWith('-');
  const body = neg ? tok.v.slice(1) : tok.v;
  let v: bigint;
  if (/^0[xX]/.test(body)) v = BigInt(body);
  else if (/^0[0-7]+$/.test(body)) v = BigInt('0o' + body.slice(1));
  else v = BigInt(body);
  return neg ? -v : v;
}

function tokText(t: Tok): string {
  switch (t.t) {
    case 'eof': return 'end of file';
    case 'str': return `"${escapeBytes(t.v)}"`;
    default: return `'${t.v}'`;
  }
}

/** inf, infinity, nan (any case, optional sign), as protobuf's text format spells them. */
function specialFloat(x: string): number | undefined {
  const m = /^(-?)(inf|infinity|nan)$/i.exec(x);
  if (!m) return undefined;
  return m[2]!.toLowerCase() === 'nan' ? NaN : m[1] ? -Infinity : Infinity;
}

function parseValue(f: FieldDesc, lx: Lexer): unknown {
  const tok = lx.next();
  switch (f.kind) {
    case 'float': case 'double': {
      let v: number;
      if (tok.t === 'num') {
        const last = tok.v.charCodeAt(tok.v.length - 1);
        // a trailing f/F suffix ("1.5f"), but not the f of "inf"
        const x = (last === 102 || last === 70) && !/inf$/i.test(tok.v) ? tok.v.slice(0, -1) : tok.v;
        v = Number(x);
        if (Number.isNaN(v)) v = specialFloat(x) ?? lx.fail(`bad number ${tokText(tok)}`, tok.at);
      } else if (tok.t === 'id' && specialFloat(tok.v) !== undefined) v = specialFloat(tok.v)!;
      else lx.fail(`field '${f.name}' expects a number, got ${tokText(tok)}`, tok.at);
      return f.kind === 'float' ? Math.fround(v) : v;
    }
    case 'bool': {
      if (tok.t === 'id' && /^(true|t|false|f|True|False)$/.test(tok.v)) return tok.v[0] === 't' || tok.v[0] === 'T';
      if (tok.t === 'num' && (tok.v === '0' || tok.v === '1')) return tok.v === '1';
      lx.fail(`field '${f.name}' expects true or false, got ${tokText(tok)}`, tok.at);
    }
    // eslint-disable-next-line no-fallthrough
    case 'string': case 'bytes': {
      if (tok.t !== 'str') lx.fail(`field '${f.name}' expects a quoted string, got ${tokText(tok)}`, tok.at);
      return f.kind === 'string' ? decodeUtf8(tok.v, 0, tok.v.length) : tok.v;
    }
    case 'enum': {
      if (tok.t === 'id') {
        const n = f.enumDesc!.values[tok.v];
        if (n === undefined) lx.fail(`unknown value '${tok.v}' for enum field '${f.name}'`, tok.at);
        return n;
      }
      return Number(checkRange(parseIntToken(tok, lx), -(2n ** 31n), 2n ** 31n - 1n, f, tok, lx));
    }
    case 'int32': case 'sint32': case 'sfixed32':
      if (tok.t === 'num' && PLAIN_INT.test(tok.v) && tok.v.length < 11) {
        const n = Number(tok.v);
        if (n >= -2147483648 && n <= 2147483647) return n;
      }
      return Number(checkRange(parseIntToken(tok, lx), -(2n ** 31n), 2n ** 31n - 1n, f, tok, lx));
    case 'uint32': case 'fixed32':
      return Number(checkRange(parseIntToken(tok, lx), 0n, 2n ** 32n - 1n, f, tok, lx));
    case 'int64': case 'sint64': case 'sfixed64':
      return checkRange(parseIntToken(tok, lx), INT64_MIN, INT64_MAX, f, tok, lx);
    case 'uint64': case 'fixed64':
      return checkRange(parseIntToken(tok, lx), 0n, UINT64_MAX, f, tok, lx);
    default: lx.fail(`internal: kind ${f.kind}`, tok.at);
  }
}

function checkRange(v: bigint, lo: bigint, hi: bigint, f: FieldDesc, tok: Tok, lx: Lexer): bigint {
  if (v < lo || v > hi) lx.fail(`value ${v} out of range for ${f.kind} field '${f.name}'`, tok.at);
  return v;
}

function toTyped(f: FieldDesc, vals: unknown[]): unknown {
  switch (f.kind) {
    case 'float': return Float32Array.from(vals as number[]);
    case 'double': return Float64Array.from(vals as number[]);
    case 'int32': case 'sint32': case 'sfixed32': case 'enum': return Int32Array.from(vals as number[]);
    case 'uint32': case 'fixed32': return Uint32Array.from(vals as number[]);
    case 'int64': case 'sint64': case 'sfixed64': return BigInt64Array.from(vals as bigint[]);
    case 'uint64': case 'fixed64': return BigUint64Array.from(vals as bigint[]);
    case 'bool': return Uint8Array.from(vals as boolean[], (b) => (b ? 1 : 0));
    default: return vals;
  }
}

function parseMessage(lx: Lexer, desc: MessageDesc, close: string | undefined, depth: number): Message {
  if (depth > 100) lx.fail('messages nested deeper than 100', lx.pos);
  const out: Message = {};
  const lists = new Map<FieldDesc, unknown[]>();
  for (;;) {
    const tok = lx.next();
    if (tok.t === 'eof') {
      if (close) lx.fail(`missing '${close}'`, tok.at);
      break;
    }
    if (tok.t === 'p' && tok.v === close) break;
    if (tok.t === 'p' && (tok.v === ',' || tok.v === ';')) continue;
    if (tok.t !== 'id') lx.fail(`expected a field name in ${desc.name}, got ${tokText(tok)}`, tok.at);
    const f = desc.byName.get(tok.v);
    if (!f) lx.fail(`unknown field '${tok.v}' in ${desc.fullName}`, tok.at);
    let sep = lx.peek();
    if (sep.t === 'p' && sep.v === ':') { lx.next(); sep = lx.peek(); }
    const readOne = (): unknown => {
      if (f.kind === 'message') {
        const open = lx.next();
        if (open.t !== 'p' || (open.v !== '{' && open.v !== '<')) lx.fail(`field '${f.name}' expects '{', got ${tokText(open)}`, open.at);
        return parseMessage(lx, f.msg!, open.v === '{' ? '}' : '>', depth + 1);
      }
      return parseValue(f, lx);
    };
    const values: unknown[] = [];
    if (sep.t === 'p' && sep.v === '[') {
      if (!f.repeated) lx.fail(`field '${f.name}' is not repeated but given a list`, sep.at);
      lx.next();
      if (!(lx.peek().t === 'p' && (lx.peek() as { v: string }).v === ']')) {
        for (;;) {
          values.push(readOne());
          const t = lx.next();
          if (t.t === 'p' && t.v === ']') break;
          if (!(t.t === 'p' && t.v === ',')) lx.fail(`expected ',' or ']', got ${tokText(t)}`, t.at);
        }
      } else lx.next();
    } else values.push(readOne());
    if (f.repeated) {
      let l = lists.get(f);
      if (!l) lists.set(f, (l = []));
      for (const v of values) l.push(v);
    } else {
      if (out[f.name] !== undefined) lx.fail(`field '${f.name}' given twice`, tok.at);
      out[f.name] = values[0];
    }
  }
  for (const f of desc.fields) if (f.repeated) out[f.name] = toTyped(f, lists.get(f) ?? []);
  return out;
}

/** Parses protobuf text format as a message of type `desc`. */
export function parseText<T = Message>(src: string, desc: MessageDesc, file?: string): T {
  const lx = new Lexer(src, file);
  return parseMessage(lx, desc, undefined, 0) as T;
}
