// model.svg: the predict net as a drawing a browser opens. Ops are boxes coloured by their op
// schema's category; blobs are edges labelled with name and shape (from a plan at the traced
// input size); net inputs and outputs are marked ovals. Laid out top-down with dagre; weights are
// not drawn (each op's tooltip lists them with its args).

import { Graph, layout } from '@dagrejs/dagre';
import { shapeStr } from '../core/errors.js';
import type { ValueInfo } from '../core/tensor.js';
import type { Argument, NetDef } from '../proto/caffe2.js';
import { decodeUtf8 } from '../proto/wire.js';
import type { OpRegistry } from '../ops/registry.js';
import type { Category } from '../ops/schema.js';

export const CATEGORY_COLORS: Readonly<Record<Category | 'Unknown', string>> = {
  Layer: '#4e79a7', Activation: '#e15759', Pool: '#59a14f', Normalization: '#b07aa1', Elementwise: '#f28e2b',
  Logic: '#9c755f', Reduce: '#76b7b2', Tensor: '#8c6d31', Shape: '#7f7f7f', Data: '#bab0ac',
  Detection: '#d4a6c8', Control: '#6b6ecf', Utility: '#a0a0a0', Unknown: '#cccccc',
};

export interface SvgOptions {
  /** Blob dtypes and shapes (edge labels); shapes with -1 print as '?'. */
  infos?: ReadonlyMap<string, ValueInfo>;
  /** Categories (box colours) come from here. */
  registry?: OpRegistry;
  title?: string;
  /** The fed inputs (drawn as input ovals); other external inputs are parameters. */
  inputs?: readonly string[];
}

const CHAR_W = 6.6, LINE_H = 14, FONT = 11;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function argText(a: Argument): string {
  let v: string;
  if (a.f !== undefined) v = String(Math.fround(a.f));
  else if (a.i !== undefined) v = String(a.i);
  else if (a.s !== undefined) v = JSON.stringify(decodeUtf8(a.s, 0, a.s.length));
  else if (a.floats.length) v = `[${Array.from(a.floats).slice(0, 8).join(', ')}${a.floats.length > 8 ? ', …' : ''}]`;
  else if (a.ints.length) v = `[${Array.from(a.ints).slice(0, 8).join(', ')}${a.ints.length > 8 ? ', …' : ''}]`;
  else if (a.strings.length) v = `[${a.strings.map((s) => JSON.stringify(decodeUtf8(s, 0, s.length))).join(', ')}]`;
  else v = '[]';
  return `${a.name}: ${v}`;
}

const MAX_NAME = 40;

/** `name [dims]` (non-float32 dtypes named); long traced names keep their informative tail. */
function blobLabel(name: string, infos: ReadonlyMap<string, ValueInfo> | undefined): string {
  const shown = name.length > MAX_NAME ? `…${name.slice(-(MAX_NAME - 1))}` : name;
  const i = infos?.get(name);
  if (!i) return shown;
  return `${shown} ${i.dtype === 'float32' ? '' : i.dtype}${shapeStr(i.shape)}`;
}

function textBox(lines: string[], padX: number, padY: number): { width: number; height: number } {
  return { width: Math.max(...lines.map((l) => l.length)) * CHAR_W + 2 * padX, height: lines.length * LINE_H + 2 * padY };
}

/** Draws the predict net as SVG text. */
export function renderSvg(net: NetDef, opts: SvgOptions = {}): string {
  const g = new Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 36, edgesep: 12, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  const producer = new Map<string, string>();
  const fedInputs = (opts.inputs ?? []).filter((n) => net.external_input.includes(n));
  const nodes: { id: string; kind: 'op' | 'in' | 'out'; lines: string[]; color: string; title: string }[] = [];
  for (const name of fedInputs) {
    const id = `in:${name}`;
    nodes.push({ id, kind: 'in', lines: [blobLabel(name, opts.infos)], color: '#ffffff', title: `input ${name}` });
    producer.set(name, id);
  }
  net.op.forEach((op, i) => {
    const type = op.type ?? '?';
    const def = opts.registry?.get(type);
    const color = CATEGORY_COLORS[def?.category ?? 'Unknown'];
    const params = op.input.filter((x) => !producer.has(x) && !fedInputs.includes(x));
    const lines = [`#${i} ${type}`];
    if (params.length) lines.push(...params.slice(0, 3).map((p) => `◦ ${blobLabel(shortName(p), undefined)}${shapeOf(p, opts.infos)}`), ...(params.length > 3 ? [`◦ +${params.length - 3} more`] : []));
    const title = [`#${i} ${type}${op.name ? ` (${op.name})` : ''}`, ...op.arg.map(argText), ...params.map((p) => `param ${p}${shapeOf(p, opts.infos)}`)].join('\n');
    const id = `op:${i}`;
    nodes.push({ id, kind: 'op', lines, color, title });
    for (const o of op.output) producer.set(o, id);
  });
  for (const name of net.external_output) {
    nodes.push({ id: `out:${name}`, kind: 'out', lines: [blobLabel(name, opts.infos)], color: '#ffffff', title: `output ${name}` });
  }
  for (const n of nodes) g.setNode(n.id, { ...textBox(n.lines, n.kind === 'op' ? 8 : 14, 5) });

  // edges: each (producer, consumer, blob) once
  const seenEdge = new Set<string>();
  const inputProducer = new Map<string, string>(fedInputs.map((n) => [n, `in:${n}`]));
  const latest = new Map<string, string>(inputProducer);
  const addEdge = (from: string, to: string, blob: string): void => {
    const key = `${from}|${to}|${blob}`;
    if (seenEdge.has(key)) return;
    seenEdge.add(key);
    const label = blobLabel(blob, opts.infos);
    g.setEdge(from, to, { label, blob, width: label.length * CHAR_W * 0.92 + 6, height: LINE_H, labelpos: 'c' }, key);
  };
  net.op.forEach((op, i) => {
    for (const x of op.input) { const p = latest.get(x); if (p) addEdge(p, `op:${i}`, x); }
    for (const o of op.output) latest.set(o, `op:${i}`);
  });
  for (const name of net.external_output) { const p = latest.get(name); if (p) addEdge(p, `out:${name}`, name); }

  layout(g);
  const gw = Math.ceil(g.graph().width ?? 100), titleH = opts.title ? 24 : 0;
  const legendCats = [...new Set(nodes.filter((n) => n.kind === 'op').map((n) => n.color))];
  const legend = (Object.entries(CATEGORY_COLORS) as [string, string][]).filter(([, c]) => legendCats.includes(c));
  const legendH = legend.length ? 22 : 0;
  const gh = Math.ceil(g.graph().height ?? 100);
  const W = Math.max(gw, legend.length * 110 + 20), H = gh + titleH + legendH;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Menlo, Consolas, 'DejaVu Sans Mono', monospace" font-size="${FONT}">`);
  out.push('<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>');
  out.push(`<rect width="${W}" height="${H}" fill="#fcfcfc"/>`);
  if (opts.title) out.push(`<text x="12" y="17" font-size="14" font-weight="bold">${esc(opts.title)}</text>`);
  legend.forEach(([cat, color], k) => {
    const x = 12 + k * 110, y = titleH + 4;
    out.push(`<g class="legend"><rect x="${x}" y="${y}" width="12" height="12" rx="2" fill="${color}" stroke="#444" stroke-width="0.5"/><text x="${x + 16}" y="${y + 10}">${cat}</text></g>`);
  });
  out.push(`<g transform="translate(0,${titleH + legendH})">`);
  for (const e of g.edges()) {
    const l = g.edge(e);
    const pts = (l.points ?? []) as { x: number; y: number }[];
    if (!pts.length) continue;
    const d = pts.map((p, k) => `${k ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    out.push(`<path class="edge" d="${d}" fill="none" stroke="#777" stroke-width="1" marker-end="url(#arrow)"/>`);
    if (l.x !== undefined && l.y !== undefined && typeof l['label'] === 'string') {
      const text = l['label'] as string, w = text.length * CHAR_W * 0.92 + 4;
      out.push(`<g class="blob"><title>${esc(String(l['blob']))}</title><rect x="${(l.x - w / 2).toFixed(1)}" y="${(l.y - 7).toFixed(1)}" width="${w.toFixed(1)}" height="13" fill="#fcfcfc" opacity="0.85"/><text x="${l.x.toFixed(1)}" y="${(l.y + 3.5).toFixed(1)}" text-anchor="middle" font-size="10" fill="#333">${esc(text)}</text></g>`);
    }
  }
  for (const n of nodes) {
    const v = g.node(n.id);
    const x = v.x! - v.width / 2, y = v.y! - v.height / 2;
    const cls = n.kind === 'op' ? 'op' : n.kind === 'in' ? 'input' : 'output';
    out.push(`<g class="${cls}" id="${esc(n.id)}"><title>${esc(n.title)}</title>`);
    if (n.kind === 'op') out.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${v.width.toFixed(1)}" height="${v.height.toFixed(1)}" rx="4" fill="${n.color}" stroke="#333" stroke-width="0.8"/>`);
    else {
      out.push(`<ellipse cx="${v.x!.toFixed(1)}" cy="${v.y!.toFixed(1)}" rx="${(v.width / 2).toFixed(1)}" ry="${(v.height / 2).toFixed(1)}" fill="#fff" stroke="${n.kind === 'in' ? '#2a7' : '#c33'}" stroke-width="2"/>`);
      if (n.kind === 'out') out.push(`<ellipse cx="${v.x!.toFixed(1)}" cy="${v.y!.toFixed(1)}" rx="${(v.width / 2 - 3).toFixed(1)}" ry="${(v.height / 2 - 3).toFixed(1)}" fill="none" stroke="#c33" stroke-width="1"/>`);
    }
    n.lines.forEach((line, k) => {
      const ty = y + 5 + LINE_H * (k + 1) - 3;
      const bold = n.kind === 'op' && k === 0 ? ' font-weight="bold"' : '';
      out.push(`<text x="${v.x!.toFixed(1)}" y="${ty.toFixed(1)}" text-anchor="middle"${bold} fill="#111">${esc(line)}</text>`);
    });
    out.push('</g>');
  }
  out.push('</g></svg>');
  return out.join('\n') + '\n';
}

function shortName(p: string): string {
  const parts = p.split(/[./]/).filter(Boolean);
  return parts.length > 2 ? parts.slice(-2).join('.') : p;
}

function shapeOf(p: string, infos: ReadonlyMap<string, ValueInfo> | undefined): string {
  const i = infos?.get(p);
  return i ? ` ${shapeStr(i.shape)}` : '';
}
