// A small WebAssembly module builder: value types, one imported memory (shared when asked),
// functions with typed locals, exports, and the instructions our kernels use (MVP integer and
// float ops, structured control flow, SIMD128 loads/stores/arithmetic). Emits the binary format
// of the core spec (binary/modules.rst, binary/instructions.rst); SIMD opcodes are the final
// 0xFD-prefixed numbering, relaxed_madd is the relaxed-SIMD proposal's 0xFD 0x105.

export const I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b;
export type ValType = typeof I32 | typeof I64 | typeof F32 | typeof F64 | typeof V128;

function uleb(out: number[], v: number): void {
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
}

function sleb(out: number[], v: number): void {
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) { out.push(b); return; }
    out.push(b | 0x80);
  }
}

function name(out: number[], s: string): void {
  const b = new TextEncoder().encode(s);
  uleb(out, b.length);
  for (const x of b) out.push(x);
}

/** A branch target: the control-stack depth at which its block/loop was opened. */
export interface Label { readonly depth: number }

const F32_BYTES = new Float32Array(1), F32_U8 = new Uint8Array(F32_BYTES.buffer);

/**
 * One function body. Instructions are methods that append their encoding; control flow takes
 * callbacks, and branches name a Label instead of a raw depth. Memory immediates are byte offsets
 * added to the address operand (alignment hints are the natural ones).
 */
export class Fn {
  readonly code: number[] = [];
  private readonly localTypes: ValType[] = [];
  private depth = 0;

  constructor(readonly name: string, readonly params: readonly ValType[], readonly results: readonly ValType[] = []) {}

  /** The i-th parameter's local index is i; new locals follow the parameters. */
  local(t: ValType): number {
    this.localTypes.push(t);
    return this.params.length + this.localTypes.length - 1;
  }

  locals(t: ValType, n: number): number[] {
    return Array.from({ length: n }, () => this.local(t));
  }

  private op(...b: number[]): this { for (const x of b) this.code.push(x); return this; }
  private u(v: number): this { uleb(this.code, v); return this; }
  private mem(opcode: number, align: number, offset: number): this { return this.op(opcode).u(align).u(offset); }
  private simd(sub: number): this { return this.op(0xfd).u(sub); }
  private simdMem(sub: number, align: number, offset: number): this { return this.simd(sub).u(align).u(offset); }

  // variables and constants
  get(i: number): this { return this.op(0x20).u(i); }
  set(i: number): this { return this.op(0x21).u(i); }
  tee(i: number): this { return this.op(0x22).u(i); }
  i32(v: number): this { this.op(0x41); sleb(this.code, v | 0); return this; }
  f32(v: number): this { F32_BYTES[0] = v; return this.op(0x43, ...F32_U8); }
  drop(): this { return this.op(0x1a); }
  select(): this { return this.op(0x1b); }

  // control flow
  block(body: (exit: Label) => void): this { return this.nest(0x02, body); }
  loop(body: (top: Label) => void): this { return this.nest(0x03, body); }
  if(then: () => void, otherwise?: () => void): this {
    this.op(0x04, 0x40);
    this.depth++;
    then();
    if (otherwise) { this.op(0x05); otherwise(); }
    this.depth--;
    return this.op(0x0b);
  }
  br(l: Label): this { return this.op(0x0c).u(this.depth - l.depth - 1); }
  brIf(l: Label): this { return this.op(0x0d).u(this.depth - l.depth - 1); }
  ret(): this { return this.op(0x0f); }
  /** Calls function `index` of the module (functions are numbered in buildModule's order). */
  call(index: number): this { return this.op(0x10).u(index); }
  private nest(opcode: number, body: (l: Label) => void): this {
    this.op(opcode, 0x40);
    const l = { depth: this.depth++ };
    body(l);
    this.depth--;
    return this.op(0x0b);
  }

  // i32
  i32Load(off = 0): this { return this.mem(0x28, 2, off); }
  i32Store(off = 0): this { return this.mem(0x36, 2, off); }
  i32Eqz(): this { return this.op(0x45); }
  i32Eq(): this { return this.op(0x46); }
  i32Ne(): this { return this.op(0x47); }
  i32LtS(): this { return this.op(0x48); }
  i32LtU(): this { return this.op(0x49); }
  i32GtS(): this { return this.op(0x4a); }
  i32GtU(): this { return this.op(0x4b); }
  i32LeS(): this { return this.op(0x4c); }
  i32GeS(): this { return this.op(0x4e); }
  i32GeU(): this { return this.op(0x4f); }
  i32Add(): this { return this.op(0x6a); }
  i32Sub(): this { return this.op(0x6b); }
  i32Mul(): this { return this.op(0x6c); }
  i32DivS(): this { return this.op(0x6d); }
  i32And(): this { return this.op(0x71); }
  i32Or(): this { return this.op(0x72); }
  i32Xor(): this { return this.op(0x73); }
  i32Shl(): this { return this.op(0x74); }
  i32ShrS(): this { return this.op(0x75); }
  i32ShrU(): this { return this.op(0x76); }

  // f32
  f32Load(off = 0): this { return this.mem(0x2a, 2, off); }
  f32Store(off = 0): this { return this.mem(0x38, 2, off); }
  f32Add(): this { return this.op(0x92); }
  f32Sub(): this { return this.op(0x93); }
  f32Mul(): this { return this.op(0x94); }
  f32Max(): this { return this.op(0x97); }

  // SIMD128
  v128Load(off = 0): this { return this.simdMem(0x00, 4, off); }
  v128Store(off = 0): this { return this.simdMem(0x0b, 4, off); }
  v128Load32Splat(off = 0): this { return this.simdMem(0x09, 2, off); }
  v128Load64Zero(off = 0): this { return this.simdMem(0x5d, 3, off); }
  v128Store64Lane(lane: number, off = 0): this { return this.simdMem(0x5b, 3, off).op(lane); }
  v128Store32Lane(lane: number, off = 0): this { return this.simdMem(0x5a, 2, off).op(lane); }
  v128Const0(): this { return this.simd(0x0c).op(...new Array<number>(16).fill(0)); }
  i8x16Shuffle(lanes: readonly number[]): this { return this.simd(0x0d).op(...lanes); }
  f32x4Splat(): this { return this.simd(0x13); }
  f32x4ExtractLane(lane: number): this { return this.simd(0x1f).op(lane); }
  v128And(): this { return this.simd(0x4e); }
  v128AndNot(): this { return this.simd(0x4f); }
  v128Or(): this { return this.simd(0x50); }
  v128Bitselect(): this { return this.simd(0x52); }
  i32x4ShrS(): this { return this.simd(0xac); }
  f32x4Gt(): this { return this.simd(0x44); }
  f32x4Add(): this { return this.simd(0xe4); }
  f32x4Sub(): this { return this.simd(0xe5); }
  f32x4Mul(): this { return this.simd(0xe6); }
  f32x4Div(): this { return this.simd(0xe7); }
  f32x4Min(): this { return this.simd(0xe8); }
  f32x4Max(): this { return this.simd(0xe9); }
  f32x4Pmin(): this { return this.simd(0xea); }
  f32x4Pmax(): this { return this.simd(0xeb); }
  /** a·b + c, fused or not (relaxed SIMD). */
  f32x4RelaxedMadd(): this { return this.simd(0x105); }

  /** The function's code-section entry: size, local declarations, body, end. */
  encode(): number[] {
    const body: number[] = [];
    const runs: [number, ValType][] = [];
    for (const t of this.localTypes) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    uleb(body, runs.length);
    for (const [n, t] of runs) { uleb(body, n); body.push(t); }
    for (const b of this.code) body.push(b);
    body.push(0x0b);
    const out: number[] = [];
    uleb(out, body.length);
    return out.concat(body);
  }
}

export interface MemoryImport {
  /** Pages of 64 KiB. */
  readonly min: number;
  readonly max?: number;
  readonly shared?: boolean;
}

function section(out: number[], id: number, payload: number[]): void {
  out.push(id);
  uleb(out, payload.length);
  for (const b of payload) out.push(b);
}

/** A module importing memory `env.memory` and exporting every function by its name. */
export function buildModule(memory: MemoryImport, fns: readonly Fn[]): Uint8Array<ArrayBuffer> {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  // one type per function (duplicates are harmless)
  const types: number[] = [];
  uleb(types, fns.length);
  for (const f of fns) {
    types.push(0x60);
    uleb(types, f.params.length); types.push(...f.params);
    uleb(types, f.results.length); types.push(...f.results);
  }
  section(out, 1, types);
  const imports: number[] = [];
  uleb(imports, 1);
  name(imports, 'env'); name(imports, 'memory');
  imports.push(0x02);
  const shared = !!memory.shared;
  if (shared && memory.max === undefined) throw new Error('a shared memory needs a maximum');
  imports.push(memory.max === undefined ? 0x00 : shared ? 0x03 : 0x01);
  uleb(imports, memory.min);
  if (memory.max !== undefined) uleb(imports, memory.max);
  section(out, 2, imports);
  const funcs: number[] = [];
  uleb(funcs, fns.length);
  fns.forEach((_, i) => uleb(funcs, i));
  section(out, 3, funcs);
  const exports: number[] = [];
  uleb(exports, fns.length);
  fns.forEach((f, i) => { name(exports, f.name); exports.push(0x00); uleb(exports, i); });
  section(out, 7, exports);
  const code: number[] = [];
  uleb(code, fns.length);
  for (const f of fns) for (const b of f.encode()) code.push(b);
  section(out, 10, code);
  return new Uint8Array(out);
}
