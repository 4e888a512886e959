// JPEG decoder (baseline and progressive Huffman, 8-bit) bit-exact with libjpeg-turbo's default
// decompression, which Pillow (and so detectron2's read_image) uses. This file: markers, entropy
// decoding into coefficient blocks (jdhuff.c, jdphuff.c), colour space choice (jdapimin.c);
// jpeg_pixels.ts: IDCT, upsampling, YCbCr. Output: interleaved RGB, plus the EXIF orientation.

import { InputError, NotSupportedError } from '../core/errors.js';
import { exifOrientation } from './image.js';
import { idctIslow, mulDiv255, upsamplePlane, yccToRgb } from './jpeg_pixels.js';

export interface DecodedJpeg {
  width: number;
  height: number;
  /** Interleaved RGB, 3 bytes per pixel (grey images replicated, as PIL's convert('RGB')). */
  data: Uint8Array;
  /** EXIF orientation tag (1..8), 1 when absent. */
  orientation: number;
}

const ZIGZAG = Int32Array.from([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21,
  28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61,
  54, 47, 55, 62, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
]);

interface Huffman {
  maxcode: Int32Array; valptr: Int32Array; mincode: Int32Array; values: Uint8Array;
  /** For codes of at most LOOKAHEAD bits: (length << 8) | value, indexed by the next LOOKAHEAD bits; 0 = longer code. */
  look: Uint16Array;
}

const LOOKAHEAD = 9;

interface Component {
  id: number; h: number; v: number; tq: number;
  /** Real sample size (libjpeg's downsampled_width/height). */
  width: number; height: number;
  /** Blocks holding real samples, and the MCU-padded block grid that is stored. */
  blocksW: number; blocksH: number; padW: number; padH: number;
  coefs: Int16Array;
  dc: Huffman | undefined; ac: Huffman | undefined;
  pred: number;
}

class Fail extends Error {}

function buildHuffman(counts: Uint8Array, values: Uint8Array): Huffman {
  const maxcode = new Int32Array(18).fill(-1), valptr = new Int32Array(17), mincode = new Int32Array(17);
  let code = 0, k = 0;
  for (let len = 1; len <= 16; len++) {
    valptr[len] = k;
    mincode[len] = code;
    code += counts[len - 1]!;
    k += counts[len - 1]!;
    maxcode[len] = counts[len - 1] ? code - 1 : -1;
    code <<= 1;
  }
  maxcode[17] = 0x7fffffff;
  const look = new Uint16Array(1 << LOOKAHEAD);
  for (let len = 1, k = 0, code = 0; len <= LOOKAHEAD; len++, code <<= 1) {
    for (let i = 0; i < counts[len - 1]!; i++, k++, code++) {
      const shift = LOOKAHEAD - len;
      for (let j = 0; j < 1 << shift; j++) look[(code << shift) | j] = (len << 8) | values[k]!;
    }
  }
  return { maxcode, valptr, mincode, values, look };
}

/** The decoder of one file: marker parsing, entropy decoding into coefficient blocks, then output. */
class Decoder {
  private pos = 0;
  private bitBuf = 0;
  private bitCnt = 0;
  /** Set when the entropy decoder ran into a marker: further bits read as zeros (as libjpeg does). */
  private hitMarker = false;
  private readonly qt: (Int32Array | undefined)[] = [];
  private readonly dcTables: (Huffman | undefined)[] = [];
  private readonly acTables: (Huffman | undefined)[] = [];
  private comps: Component[] = [];
  private width = 0;
  private height = 0;
  private progressive = false;
  private restartInterval = 0;
  private eobrun = 0;
  private maxH = 1;
  private maxV = 1;
  private mcusX = 0;
  private mcusY = 0;
  private adobeTransform = -1;
  private jfif = false;
  private orientation = 1;

  constructor(private readonly b: Uint8Array) {}

  private u16(): number {
    if (this.pos + 2 > this.b.length) throw new Fail('truncated: the data ends inside a marker segment');
    const v = (this.b[this.pos]! << 8) | this.b[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  private segment(): Uint8Array {
    const len = this.u16();
    if (len < 2 || this.pos + len - 2 > this.b.length) throw new Fail(`truncated: a marker segment of ${len} bytes runs past the end of the data`);
    const s = this.b.subarray(this.pos, this.pos + len - 2);
    this.pos += len - 2;
    return s;
  }

  decode(): DecodedJpeg {
    const b = this.b;
    if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) throw new Fail('not a JPEG (no SOI marker)');
    this.pos = 2;
    let frame = false, scans = 0, eoi = false;
    while (this.pos < b.length) {
      if (b[this.pos] !== 0xff) { this.pos++; continue; }
      let m = b[this.pos + 1];
      if (m === undefined) break;
      this.pos += 2;
      while (m === 0xff && this.pos < b.length) m = b[this.pos++]!;
      if (m === 0xd9) { eoi = true; break; }
      if (m === 0x00 || (m >= 0xd0 && m <= 0xd7) || m === 0x01) continue;
      if (m === 0xc4) this.readDHT(this.segment());
      else if (m === 0xdb) this.readDQT(this.segment());
      else if (m === 0xdd) { const s = this.segment(); this.restartInterval = (s[0]! << 8) | s[1]!; }
      else if (m === 0xc0 || m === 0xc1 || m === 0xc2) {
        if (frame) throw new Fail('more than one frame (SOF) marker');
        this.progressive = m === 0xc2;
        this.readSOF(this.segment());
        frame = true;
      } else if ((m >= 0xc3 && m <= 0xcf) && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
        throw new NotSupportedError(`JPEG coding process SOF${m - 0xc0} (lossless, hierarchical or arithmetic) is not supported; re-save the image as a baseline or progressive JPEG, or as PNG`);
      } else if (m === 0xda) {
        if (!frame) throw new Fail('scan (SOS) before the frame header (SOF)');
        this.readScan(this.segment());
        scans++;
      } else if (m === 0xe0) { const s = this.segment(); if (s.length >= 5 && s[0] === 0x4a && s[1] === 0x46 && s[2] === 0x49 && s[3] === 0x46 && s[4] === 0) this.jfif = true; }
      else if (m === 0xe1) {
        const s = this.segment();
        if (s.length > 6 && s[0] === 0x45 && s[1] === 0x78 && s[2] === 0x69 && s[3] === 0x66 && s[4] === 0 && s[5] === 0 && this.orientation === 1) {
          this.orientation = exifOrientation(s.subarray(6));
        }
      } else if (m === 0xee) { const s = this.segment(); if (s.length >= 12 && s[0] === 0x41 && s[1] === 0x64 && s[2] === 0x6f && s[3] === 0x62 && s[4] === 0x65) this.adobeTransform = s[11]!; }
      else this.segment();
    }
    if (!frame) throw new Fail('truncated: no frame header (SOF) before the end of the data');
    if (!scans) throw new Fail('truncated: no image data (SOS) before the end of the data');
    if (!eoi) throw new Fail('truncated: the data ends before the EOI marker (image file is truncated)');
    return { width: this.width, height: this.height, data: this.output(), orientation: this.orientation };
  }

  private readDQT(s: Uint8Array): void {
    let p = 0;
    while (p < s.length) {
      const pq = s[p]! >> 4, tq = s[p]! & 15;
      p++;
      if (tq > 3) throw new Fail(`DQT: table id ${tq} out of range`);
      const t = new Int32Array(64);
      for (let i = 0; i < 64; i++) {
        if (pq) { t[ZIGZAG[i]!] = (s[p]! << 8) | s[p + 1]!; p += 2; } else t[ZIGZAG[i]!] = s[p++]!;
      }
      if (p > s.length) throw new Fail('DQT: segment too short');
      this.qt[tq] = t;
    }
  }

  private readDHT(s: Uint8Array): void {
    let p = 0;
    while (p < s.length) {
      const tc = s[p]! >> 4, th = s[p]! & 15;
      const counts = s.subarray(p + 1, p + 17);
      let n = 0;
      for (let i = 0; i < 16; i++) n += counts[i] ?? 0;
      if (p + 17 + n > s.length || th > 3) throw new Fail('DHT: malformed Huffman table');
      const h = buildHuffman(counts, s.slice(p + 17, p + 17 + n));
      (tc === 0 ? this.dcTables : this.acTables)[th] = h;
      p += 17 + n;
    }
  }

  private readSOF(s: Uint8Array): void {
    if (s.length < 6) throw new Fail('SOF: segment too short');
    if (s[0] !== 8) throw new NotSupportedError(`JPEG sample precision ${s[0]} bits is not supported (only 8)`);
    this.height = (s[1]! << 8) | s[2]!;
    this.width = (s[3]! << 8) | s[4]!;
    const nc = s[5]!;
    if (this.width === 0 || this.height === 0) throw new Fail(`image has no pixels (width ${this.width}, height ${this.height})`);
    if (nc !== 1 && nc !== 3 && nc !== 4) throw new NotSupportedError(`JPEG with ${nc} components is not supported (1, 3 or 4)`);
    if (s.length < 6 + nc * 3) throw new Fail('SOF: segment too short');
    for (let i = 0; i < nc; i++) {
      const h = s[6 + i * 3 + 1]! >> 4, v = s[6 + i * 3 + 1]! & 15;
      if (h < 1 || h > 4 || v < 1 || v > 4) throw new Fail(`SOF: bad sampling factors ${h}x${v}`);
      this.comps.push({ id: s[6 + i * 3]!, h, v, tq: s[6 + i * 3 + 2]!, width: 0, height: 0, blocksW: 0, blocksH: 0, padW: 0, padH: 0, coefs: new Int16Array(0), dc: undefined, ac: undefined, pred: 0 });
    }
    this.maxH = Math.max(...this.comps.map((c) => c.h));
    this.maxV = Math.max(...this.comps.map((c) => c.v));
    this.mcusX = Math.ceil(this.width / (8 * this.maxH));
    this.mcusY = Math.ceil(this.height / (8 * this.maxV));
    if (this.width * this.height > 1 << 28) throw new Fail(`image of ${this.width}x${this.height} is too large`);
    for (const c of this.comps) {
      c.width = Math.ceil((this.width * c.h) / this.maxH);
      c.height = Math.ceil((this.height * c.v) / this.maxV);
      c.blocksW = Math.ceil(c.width / 8);
      c.blocksH = Math.ceil(c.height / 8);
      c.padW = this.mcusX * c.h;
      c.padH = this.mcusY * c.v;
      c.coefs = new Int16Array(c.padW * c.padH * 64);
    }
  }

  // --- entropy decoding -------------------------------------------------------------------

  private fill(): void {
    const b = this.b;
    while (this.bitCnt <= 24) {
      let byte = 0;
      if (!this.hitMarker && this.pos < b.length) {
        byte = b[this.pos]!;
        if (byte === 0xff) {
          const next = b[this.pos + 1];
          if (next === 0x00) this.pos += 2;
          else { this.hitMarker = true; byte = 0; }
        } else this.pos++;
      } else if (!this.hitMarker) {
        throw new Fail('truncated: the data ends inside the compressed image data (image file is truncated)');
      }
      this.bitBuf = ((this.bitBuf << 8) | byte) >>> 0;
      this.bitCnt += 8;
    }
  }

  private bit(): number {
    if (this.bitCnt === 0) this.fill();
    this.bitCnt--;
    return (this.bitBuf >>> this.bitCnt) & 1;
  }

  private bits(n: number): number {
    if (n === 0) return 0;
    if (this.bitCnt < n) this.fill();
    this.bitCnt -= n;
    return (this.bitBuf >>> this.bitCnt) & ((1 << n) - 1);
  }

  private huff(h: Huffman | undefined): number {
    if (!h) throw new Fail('scan uses a Huffman table that was never defined');
    if (this.bitCnt < LOOKAHEAD) this.fill();
    const e = h.look[(this.bitBuf >>> (this.bitCnt - LOOKAHEAD)) & ((1 << LOOKAHEAD) - 1)]!;
    if (e) { this.bitCnt -= e >> 8; return e & 0xff; }
    let code = this.bits(LOOKAHEAD), len = LOOKAHEAD;
    while (code > h.maxcode[len]!) {
      code = (code << 1) | this.bit();
      if (++len > 16) throw new Fail('corrupt data: bad Huffman code');
    }
    return h.values[h.valptr[len]! + code - h.mincode[len]!] ?? 0;
  }

  private static extend(v: number, t: number): number {
    return v < 1 << (t - 1) ? v - (1 << t) + 1 : v;
  }

  private readScan(s: Uint8Array): void {
    const ns = s[0]!;
    if (ns < 1 || s.length < 1 + ns * 2 + 3) throw new Fail('SOS: malformed scan header');
    const scomps: Component[] = [];
    for (let i = 0; i < ns; i++) {
      const id = s[1 + i * 2]!, t = s[2 + i * 2]!;
      const c = this.comps.find((x) => x.id === id);
      if (!c) throw new Fail(`SOS: scan names component ${id}, which the frame does not have`);
      c.dc = this.dcTables[t >> 4];
      c.ac = this.acTables[t & 15];
      scomps.push(c);
    }
    const ss = s[1 + ns * 2]!, se = s[2 + ns * 2]!, ah = s[3 + ns * 2]! >> 4, al = s[3 + ns * 2]! & 15;
    for (const c of this.comps) c.pred = 0;
    this.eobrun = 0;
    this.bitBuf = 0; this.bitCnt = 0; this.hitMarker = false;

    type BlockFn = (c: Component, off: number) => void;
    let fn: BlockFn;
    if (!this.progressive) fn = (c, off) => this.blockBaseline(c, off);
    else if (ss === 0) fn = ah === 0 ? (c, off) => this.dcFirst(c, off, al) : (c, off) => this.dcRefine(c, off, al);
    else fn = ah === 0 ? (c, off) => this.acFirst(c, off, ss, se, al) : (c, off) => this.acRefine(c, off, ss, se, al);

    const single = ns === 1;
    const c0 = scomps[0]!;
    const total = single ? c0.blocksW * c0.blocksH : this.mcusX * this.mcusY;
    let restarts = 0;
    for (let n = 0; n < total; n++) {
      if (this.restartInterval && n > 0 && n % this.restartInterval === 0) this.restart(++restarts);
      if (single) {
        const bx = n % c0.blocksW, by = (n / c0.blocksW) | 0;
        fn(c0, (by * c0.padW + bx) * 64);
      } else {
        const mx = n % this.mcusX, my = (n / this.mcusX) | 0;
        for (const c of scomps) {
          for (let v = 0; v < c.v; v++) for (let h = 0; h < c.h; h++) fn(c, ((my * c.v + v) * c.padW + mx * c.h + h) * 64);
        }
      }
    }
    // Skip to the marker that ends the scan (a well-formed file has only padding bits left).
    this.bitCnt = 0;
    if (!this.hitMarker) {
      while (this.pos < this.b.length && !(this.b[this.pos] === 0xff && this.b[this.pos + 1] !== 0 && this.b[this.pos + 1] !== undefined)) this.pos++;
    } else {
      while (this.pos < this.b.length && this.b[this.pos] !== 0xff) this.pos++;
    }
  }

  private restart(n: number): void {
    this.bitBuf = 0; this.bitCnt = 0; this.hitMarker = false;
    const b = this.b;
    while (this.pos + 1 < b.length && !(b[this.pos] === 0xff && b[this.pos + 1]! >= 0xd0 && b[this.pos + 1]! <= 0xd7)) this.pos++;
    if (this.pos + 1 >= b.length) throw new Fail(`truncated: restart marker ${n} is missing (image file is truncated)`);
    this.pos += 2;
    for (const c of this.comps) c.pred = 0;
    this.eobrun = 0;
  }

  private blockBaseline(c: Component, off: number): void {
    const z = c.coefs;
    const t = this.huff(c.dc);
    c.pred += t ? Decoder.extend(this.bits(t), t) : 0;
    z[off] = c.pred;
    for (let k = 1; k < 64;) {
      const rs = this.huff(c.ac), r = rs >> 4, s = rs & 15;
      if (s) {
        k += r;
        if (k > 63) throw new Fail('corrupt data: AC run past the end of a block');
        z[off + ZIGZAG[k]!] = Decoder.extend(this.bits(s), s);
        k++;
      } else if (r === 15) k += 16;
      else break;
    }
  }

  private dcFirst(c: Component, off: number, al: number): void {
    const t = this.huff(c.dc);
    c.pred += t ? Decoder.extend(this.bits(t), t) : 0;
    c.coefs[off] = c.pred * (1 << al);
  }

  private dcRefine(c: Component, off: number, al: number): void {
    if (this.bit()) c.coefs[off] |= 1 << al;
  }

  private acFirst(c: Component, off: number, ss: number, se: number, al: number): void {
    if (this.eobrun > 0) { this.eobrun--; return; }
    const z = c.coefs;
    for (let k = ss; k <= se; k++) {
      const rs = this.huff(c.ac), r = rs >> 4, s = rs & 15;
      if (s) {
        k += r;
        if (k > 63) throw new Fail('corrupt data: AC run past the end of a block');
        z[off + ZIGZAG[k]!] = Decoder.extend(this.bits(s), s) * (1 << al);
      } else if (r < 15) {
        this.eobrun = (1 << r) - 1 + (r ? this.bits(r) : 0);
        break;
      } else k += 15;
    }
  }

  /** Successive-approximation AC refinement, following jdphuff.c decode_mcu_AC_refine. */
  private acRefine(c: Component, off: number, ss: number, se: number, al: number): void {
    const z = c.coefs, p1 = 1 << al, m1 = -1 << al;
    let k = ss;
    if (this.eobrun === 0) {
      for (; k <= se; k++) {
        const rs = this.huff(c.ac);
        let r = rs >> 4, s = rs & 15;
        if (s) s = this.bit() ? p1 : m1;
        else if (r !== 15) {
          this.eobrun = (1 << r) + (r ? this.bits(r) : 0);
          break;
        }
        do {
          const i = off + ZIGZAG[k]!;
          if (z[i] !== 0) {
            if (this.bit() && (z[i]! & p1) === 0) z[i] = z[i]! + (z[i]! >= 0 ? p1 : m1);
          } else if (--r < 0) break;
          k++;
        } while (k <= se);
        if (s && k <= 63) z[off + ZIGZAG[k]!] = s;
      }
    }
    if (this.eobrun > 0) {
      for (; k <= se; k++) {
        const i = off + ZIGZAG[k]!;
        if (z[i] !== 0 && this.bit() && (z[i]! & p1) === 0) z[i] = z[i]! + (z[i]! >= 0 ? p1 : m1);
      }
      this.eobrun--;
    }
  }

  // --- output -----------------------------------------------------------------------------

  /** One component's samples after the IDCT: `padW*8` wide rows, `padH*8` rows. */
  private planeOf(c: Component): Uint8Array {
    const q = this.qt[c.tq];
    if (!q) throw new Fail(`component ${c.id} uses quantisation table ${c.tq}, which was never defined`);
    const stride = c.padW * 8;
    const out = new Uint8Array(stride * c.padH * 8);
    const ws = new Int32Array(64);
    for (let by = 0; by < c.blocksH; by++) {
      for (let bx = 0; bx < c.blocksW; bx++) idctIslow(c.coefs, (by * c.padW + bx) * 64, q, ws, out, by * 8 * stride + bx * 8, stride);
    }
    return out;
  }

  private output(): Uint8Array {
    const W = this.width, H = this.height, n = W * H;
    const planes = this.comps.map((c) => upsamplePlane(this.planeOf(c), c.padW * 8, c.width, c.height, this.maxH / c.h, this.maxV / c.v, W, H, `${c.h}x${c.v} of ${this.maxH}x${this.maxV}`));
    const out = new Uint8Array(n * 3);
    if (this.comps.length === 1) {
      const p = planes[0]!;
      for (let i = 0; i < n; i++) out[i * 3] = out[i * 3 + 1] = out[i * 3 + 2] = p[i]!;
      return out;
    }
    // libjpeg's default colour space (jdapimin.c): JFIF or component ids 1,2,3 mean YCbCr; an
    // Adobe marker decides by its transform flag; ids 'R','G','B' mean RGB.
    const ids = this.comps.map((c) => c.id).join(',');
    if (this.comps.length === 3) {
      const ycc = this.jfif || (this.adobeTransform >= 0 ? this.adobeTransform !== 0 : ids !== '82,71,66');
      const [p0, p1, p2] = planes as [Uint8Array, Uint8Array, Uint8Array];
      if (!ycc) { for (let i = 0; i < n; i++) { out[i * 3] = p0[i]!; out[i * 3 + 1] = p1[i]!; out[i * 3 + 2] = p2[i]!; } return out; }
      for (let i = 0; i < n; i++) yccToRgb(p0[i]!, p1[i]!, p2[i]!, out, i * 3);
      return out;
    }
    // 4 components: CMYK, or YCCK (Adobe transform 2) that libjpeg turns into CMYK. Adobe files
    // hold inverted CMYK, which Pillow reads as "CMYK;I"; its cmyk2rgb is nk - c*nk/255 with
    // nk = 255 - k and MULDIV255 rounding.
    const [p0, p1, p2, p3] = planes as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    const inv = this.adobeTransform >= 0;
    const tmp = new Uint8Array(3);
    for (let i = 0; i < n; i++) {
      let c0 = p0[i]!, c1 = p1[i]!, c2 = p2[i]!;
      if (this.adobeTransform === 2) { yccToRgb(c0, c1, c2, tmp, 0); c0 = 255 - tmp[0]!; c1 = 255 - tmp[1]!; c2 = 255 - tmp[2]!; }
      const k = inv ? 255 - p3[i]! : p3[i]!, nk = 255 - k;
      out[i * 3] = nk - mulDiv255(inv ? 255 - c0 : c0, nk);
      out[i * 3 + 1] = nk - mulDiv255(inv ? 255 - c1 : c1, nk);
      out[i * 3 + 2] = nk - mulDiv255(inv ? 255 - c2 : c2, nk);
    }
    return out;
  }
}

/** Decodes JPEG bytes; errors are InputError naming `file` (truncated, corrupt) or NotSupportedError. */
export function decodeJpeg(bytes: Uint8Array, file = 'image.jpg'): DecodedJpeg {
  try {
    return new Decoder(bytes).decode();
  } catch (e) {
    if (e instanceof Fail) throw new InputError(`${e.message.startsWith('not a JPEG') || e.message.startsWith('image has') ? '' : 'bad JPEG: '}${e.message}`, { file });
    if (e instanceof NotSupportedError) throw e.at({ file });
    throw e;
  }
}
