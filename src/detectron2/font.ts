// Our own 5x7 bitmap font (printable ASCII, 2 descender rows) for labels drawn into RGBA
// buffers. Each glyph is 9 rows of 5 bits, one base-32 digit ('0'-'9', 'a'-'v') per row, top
// row first, bit 4 = leftmost column; glyphs are stored in code point order from ' ' (32).

const GLYPHS =
  '000000000444440400aa0000000aavavaa004fke5u400op248j300cik8lid00440000000248884200842224800' +
  '04lel4000044v4400000000cc48000v0000000000cc0011248gg00ehjlphe004c4444e00eh1248v00v2421he00' +
  '26aiv2200vgu11he0068guhhe00v12488800ehhehhe00ehhf12c000cc0cc0000cc0cc480248g8420000v0v0000' +
  '842124800eh1240400ehnlngf00ehhvhhh00uhhuhhu00ehggghe00sihhhis00vgguggv00vgguggg00ehgnhhf00' +
  'hhhvhhh00e44444e0072222ic00hikokih00ggggggv00hrllhhh00hhpljhh00ehhhhhe00uhhuggg00ehhhlid00' +
  'uhhukih00fgge11u00v44444400hhhhhhe00hhhhha400hhhllla00hha4ahh00hha444400v1248gv00e88888e00' +
  'gg8421100e22222e004ah000000000000v0084000000000e1fhf00ggmphhu0000egghe0011djhhf0000ehvge00' +
  '698s8880000fhhhf1eggmphhh0040c444e002062222icggikoki00c44444e0000qllll0000mphhh0000ehhhe00' +
  '00uhhhugg00fhhhf1100mpggg0000ege1u0088s88960000hhhjd0000hhha40000hhlla0000ha4ah0000hhhhf1e' +
  '00v248v00244844200444444400844244800008l20000';

export const GLYPH_W = 5;
export const GLYPH_H = 9;
/** Advance per character in font units (glyph width + 1 column of spacing). */
export const ADVANCE = 6;
/** Rows 0..6 hold capitals and digits; rows 7..8 descenders. */
export const CAP_ROWS = 7;

/** The 9 row bitmasks of a character ('?' for characters outside printable ASCII). */
export function glyphRows(ch: string): number[] {
  let c = ch.charCodeAt(0);
  if (!(c >= 32 && c <= 126)) c = 63;
  const s = GLYPHS.slice((c - 32) * GLYPH_H, (c - 32 + 1) * GLYPH_H);
  return Array.from(s, (d) => parseInt(d, 32));
}

/** Whether font pixel (col, row) of `ch` is set. */
export function glyphPixel(ch: string, col: number, row: number): boolean {
  if (col < 0 || col >= GLYPH_W || row < 0 || row >= GLYPH_H) return false;
  return ((glyphRows(ch)[row]! >> (GLYPH_W - 1 - col)) & 1) === 1;
}

/** Width and height in pixels of `text` at `unit` pixels per font pixel. */
export function textSize(text: string, unit: number): { width: number; height: number } {
  return { width: text.length ? (text.length * ADVANCE - 1) * unit : 0, height: GLYPH_H * unit };
}

/**
 * The font unit (pixels per font pixel) for a matplotlib font size in points at 100 dpi, as
 * detectron2's Visualizer sizes its labels: our capitals (7 units) match DejaVu Sans' cap height
 * (~0.73 em). Not rounded: fractional units are drawn anti-aliased.
 */
export function unitForPoints(points: number): number {
  const em = (points * 100) / 72;
  return Math.max(1, (0.73 * em) / CAP_ROWS);
}
