// Error classes with a structured `where`, so tests assert fields and the CLI prints them.
// Message form: `<where>: <what> (expected X, got Y)`, e.g.
//   model.pb op #37 RoIAlign -> 'roi_feat': input 'RoIs' must be [R, 4|5], got [12, 6]

export interface Where {
  file?: string;
  opIndex?: number;
  opType?: string;
  /** First output of the op, or the blob the message is about. */
  blob?: string;
  arg?: string;
  /** Byte offset in a file, for format errors. */
  offset?: number;
  /** Free-form path inside a message, e.g. `op[3].arg[1].floats`. */
  path?: string;
}

export function formatWhere(w: Where): string {
  const parts: string[] = [];
  if (w.file) parts.push(w.file);
  if (w.opIndex !== undefined) parts.push(`op #${w.opIndex}`);
  if (w.opType) parts.push(w.opType);
  let s = parts.join(' ');
  if (w.blob) s += `${s ? ' ' : ''}-> '${w.blob}'`;
  if (w.arg) s += `${s ? ' ' : ''}arg '${w.arg}'`;
  if (w.path) s += `${s ? ' ' : ''}${w.path}`;
  if (w.offset !== undefined) s += `${s ? ' ' : ''}at byte ${w.offset}`;
  return s;
}

export class Caffe2Error extends Error {
  readonly where: Where;
  readonly detail: string;
  constructor(detail: string, where: Where = {}) {
    const w = formatWhere(where);
    super(w ? `${w}: ${detail}` : detail);
    this.name = new.target.name;
    this.where = where;
    this.detail = detail;
  }
  /** Fills in context the thrower did not know (fields already set win); returns `this` to rethrow. */
  at(where: Where): this {
    const merged: Where = { ...where, ...this.where };
    (this as { where: Where }).where = merged;
    const w = formatWhere(merged);
    this.message = w ? `${w}: ${this.detail}` : this.detail;
    return this;
  }
}

/** A file is truncated, corrupt or not the format it claims to be. */
export class ModelFormatError extends Caffe2Error {}
/** An argument has the wrong type, a disallowed value, or is unknown to the op. */
export class ArgError extends Caffe2Error {}
/** Input shapes or dtypes do not fit the op. */
export class ShapeError extends Caffe2Error {}
/** A user-supplied input (feed, image, npy) is missing or malformed. */
export class InputError extends Caffe2Error {}
/** A well-formed request the runtime does not implement (a dtype, a mode). */
export class NotSupportedError extends Caffe2Error {}

export interface UnsupportedOp {
  opIndex: number;
  opType: string;
  name?: string;
  /** Extra context, e.g. the ONNX opset. */
  note?: string;
}

/** Every op of a net that has no implementation, reported together at load time. */
export class UnsupportedOpsError extends Caffe2Error {
  readonly ops: UnsupportedOp[];
  constructor(ops: UnsupportedOp[], where: Where = {}) {
    const types = [...new Set(ops.map((o) => o.opType))];
    const list = ops.map((o) => `#${o.opIndex} ${o.opType}${o.name ? ` '${o.name}'` : ''}${o.note ? ` (${o.note})` : ''}`);
    super(`${ops.length} unsupported op${ops.length === 1 ? '' : 's'} (${types.join(', ')}): ${list.join(', ')}`, where);
    this.ops = ops;
  }
}

/** Several load-time problems (unsupported ops, bad args, missing inputs) reported at once. */
export class PlanError extends Caffe2Error {
  readonly errors: Caffe2Error[];
  constructor(errors: Caffe2Error[], where: Where = {}) {
    super(`${errors.length} problem${errors.length === 1 ? '' : 's'} in the net:\n  ${errors.map((e) => e.message).join('\n  ')}`, where);
    this.errors = errors;
  }
}

export function shapeStr(shape: readonly number[] | null | undefined): string {
  if (!shape) return '[?]';
  return `[${shape.map((d) => (d < 0 ? '?' : String(d))).join(', ')}]`;
}
