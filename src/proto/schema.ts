// Message descriptors for the codec, built from our own proto/*.proto schemas (embedded as text)
// with protobufjs's parser, so the .proto files stay the single source of field numbers,
// types, defaults and packed options.

import protobuf from 'protobufjs';
import { caffe2Proto, onnxProto } from './embedded.js';

export type Kind =
  | 'double' | 'float' | 'int32' | 'int64' | 'uint32' | 'uint64' | 'sint32' | 'sint64'
  | 'fixed32' | 'fixed64' | 'sfixed32' | 'sfixed64' | 'bool' | 'string' | 'bytes' | 'enum' | 'message';

export interface EnumDesc {
  readonly name: string;
  readonly values: Readonly<Record<string, number>>;
  readonly names: ReadonlyMap<number, string>;
}

export interface FieldDesc {
  readonly num: number;
  readonly name: string;
  readonly kind: Kind;
  readonly repeated: boolean;
  readonly packed: boolean;
  readonly required: boolean;
  /** Set for kind 'message' (filled after all messages exist, so recursion works). */
  msg: MessageDesc | undefined;
  readonly enumDesc: EnumDesc | undefined;
  /** proto2 `[default = ...]`, as the decoded value would be (enum as number). */
  readonly defaultValue: unknown;
}

export interface MessageDesc {
  readonly fullName: string;
  readonly name: string;
  /** Sorted by field number: the order fields are written in. */
  readonly fields: readonly FieldDesc[];
  readonly byNum: ReadonlyMap<number, FieldDesc>;
  readonly byName: ReadonlyMap<string, FieldDesc>;
}

export interface Schema {
  message(fullName: string): MessageDesc;
  enumOf(fullName: string): EnumDesc;
}

const SCALAR_KINDS = new Set<string>([
  'double', 'float', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64',
  'fixed32', 'fixed64', 'sfixed32', 'sfixed64', 'bool', 'string', 'bytes',
]);

function buildSchema(text: string): Schema {
  const root = protobuf.parse(text, { keepCase: true }).root;
  // Resolving would have protobufjs generate each message's constructor with new Function(), which
  // pages whose Content-Security-Policy lacks 'unsafe-eval' forbid. Our codec never builds
  // protobufjs messages, so a plain constructor per type will do.
  const plainCtors = (ns: protobuf.NamespaceBase): void => {
    for (const obj of ns.nestedArray) {
      if (obj instanceof protobuf.Type) obj.ctor = function Message() {} as unknown as protobuf.Constructor<object>;
      if (obj instanceof protobuf.Namespace || obj instanceof protobuf.Type) plainCtors(obj as protobuf.NamespaceBase);
    }
  };
  plainCtors(root);
  root.resolveAll();
  const messages = new Map<string, MessageDesc>();
  const enums = new Map<string, EnumDesc>();
  const pending: { field: FieldDesc; typeName: string }[] = [];

  const enumDesc = (e: protobuf.Enum): EnumDesc => {
    const key = e.fullName.slice(1);
    let d = enums.get(key);
    if (!d) {
      d = { name: key, values: { ...e.values }, names: new Map(Object.entries(e.values).map(([k, v]) => [v, k])) };
      enums.set(key, d);
    }
    return d;
  };

  const visit = (ns: protobuf.NamespaceBase): void => {
    for (const obj of ns.nestedArray) {
      if (obj instanceof protobuf.Type) {
        const fields: FieldDesc[] = [];
        for (const f of obj.fieldsArray) {
          const rt = f.resolvedType;
          const kind: Kind = rt instanceof protobuf.Enum ? 'enum' : rt instanceof protobuf.Type ? 'message' : (f.type as Kind);
          if (kind !== 'enum' && kind !== 'message' && !SCALAR_KINDS.has(kind)) throw new Error(`unsupported field type ${f.type}`);
          const ed = rt instanceof protobuf.Enum ? enumDesc(rt) : undefined;
          let def: unknown;
          const raw = f.options?.['default'];
          if (raw !== undefined) def = ed ? (typeof raw === 'string' ? ed.values[raw] : raw) : raw;
          const fd: FieldDesc = {
            num: f.id, name: f.name, kind, repeated: f.repeated, packed: f.repeated && f.packed && kind !== 'string' && kind !== 'bytes' && kind !== 'message',
            required: f.required, msg: undefined, enumDesc: ed, defaultValue: def,
          };
          if (rt instanceof protobuf.Type) pending.push({ field: fd, typeName: rt.fullName.slice(1) });
          fields.push(fd);
        }
        fields.sort((a, b) => a.num - b.num);
        const desc: MessageDesc = {
          fullName: obj.fullName.slice(1), name: obj.name, fields,
          byNum: new Map(fields.map((f) => [f.num, f])), byName: new Map(fields.map((f) => [f.name, f])),
        };
        messages.set(desc.fullName, desc);
      } else if (obj instanceof protobuf.Enum) {
        enumDesc(obj);
      }
      if (obj instanceof protobuf.Namespace || obj instanceof protobuf.Type) visit(obj as protobuf.NamespaceBase);
    }
  };
  visit(root);
  for (const p of pending) p.field.msg = messages.get(p.typeName);

  return {
    message(name) {
      const m = messages.get(name);
      if (!m) throw new Error(`no message ${name} in schema`);
      return m;
    },
    enumOf(name) {
      const e = enums.get(name);
      if (!e) throw new Error(`no enum ${name} in schema`);
      return e;
    },
  };
}

let caffe2: Schema | undefined;
let onnx: Schema | undefined;

/** Descriptors of proto/caffe2.proto (package caffe2), built once on first use. */
export function caffe2Schema(): Schema { return (caffe2 ??= buildSchema(caffe2Proto)); }
/** Descriptors of proto/onnx.proto (package onnx), built once on first use. */
export function onnxSchema(): Schema { return (onnx ??= buildSchema(onnxProto)); }
