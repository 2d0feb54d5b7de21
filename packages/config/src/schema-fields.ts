import { KitError } from '@kit/errors';
import * as v from 'valibot';
import { type ConfigMetadata, readConfigMetadata } from './config-metadata';
import { configFileEnvVar, envVarName } from './env-var-name';

/** How an environment string is turned into the value the schema expects. */
export type FieldKind =
  | 'string'
  | 'number'
  | 'boolean'
  | 'duration'
  | 'url'
  | 'secret'
  | 'enum'
  | 'list'
  | 'json'
  | 'any'
  | 'object';

/** One node of a config schema: an object with children, or a leaf setting. */
export interface FieldNode {
  /** Path segments from the root (empty for the root). */
  readonly segments: readonly string[];
  /** The dotted path (`rest.baseUrl`; empty for the root). */
  readonly path: string;
  /** The environment variable that sets it. */
  readonly envVar: string;
  readonly kind: FieldKind;
  /** For lists: how each item is coerced. */
  readonly itemKind?: FieldKind;
  /** For enums: the allowed values. */
  readonly options?: readonly unknown[];
  /** A readable type for messages and `describeConfig`. */
  readonly typeLabel: string;
  /** Whether a value must be given (no default, not optional). */
  readonly required: boolean;
  /** Whether the schema has a default. */
  readonly hasDefault: boolean;
  /** The schema default, if any. */
  readonly defaultValue: unknown;
  readonly secret: boolean;
  readonly singleSource: boolean;
  readonly description?: string;
  /** The node's own schema (with its optional wrapper), to validate one value on its own. */
  readonly schema: v.GenericSchema;
  /** For objects: the children by key. */
  readonly children?: ReadonlyMap<string, FieldNode>;
  /** For objects: whether unknown keys are allowed (loose objects, objects with rest). */
  readonly allowsUnknownKeys?: boolean;
}

interface AnySchema {
  readonly type: string;
  readonly wrapped?: AnySchema;
  readonly default?: unknown;
  readonly entries?: Record<string, AnySchema>;
  readonly item?: AnySchema;
  readonly options?: readonly unknown[];
  readonly literal?: unknown;
  readonly pipe?: readonly { type?: string; description?: string }[];
}

const OPTIONAL_WRAPPERS = new Set(['optional', 'exact_optional', 'nullish', 'undefinedable']);
const NULLABLE_WRAPPERS = new Set(['nullable']);
const OBJECT_TYPES = new Set(['object', 'strict_object', 'loose_object', 'object_with_rest']);
const SCALAR_KIND: Record<string, FieldKind> = { string: 'string', number: 'number', boolean: 'boolean' };

function descriptionOf(schema: AnySchema): string | undefined {
  return schema.pipe?.find((item) => item.type === 'description')?.description;
}

function kindOf(schema: AnySchema, metadata: ConfigMetadata): { kind: FieldKind; itemKind?: FieldKind } {
  if (metadata.kind) return { kind: metadata.kind };
  if (OBJECT_TYPES.has(schema.type)) return { kind: 'object' };
  const scalar = SCALAR_KIND[schema.type];
  if (scalar) return { kind: scalar };
  if (schema.type === 'picklist' || schema.type === 'enum' || schema.type === 'literal')
    return { kind: 'enum' };
  if (schema.type === 'array' && schema.item) {
    const item = unwrap(schema.item);
    const itemKind = kindOf(item.schema, item.metadata).kind;
    return { kind: 'list', itemKind: itemKind === 'object' ? 'json' : itemKind };
  }
  if (
    schema.type === 'union' ||
    schema.type === 'variant' ||
    schema.type === 'unknown' ||
    schema.type === 'any'
  ) {
    return { kind: 'any' };
  }
  return { kind: 'json' };
}

function enumOptions(schema: AnySchema): readonly unknown[] | undefined {
  if (schema.type === 'literal') return [schema.literal];
  if (schema.type === 'picklist' || schema.type === 'enum') return schema.options;
  return undefined;
}

function labelOf(kind: FieldKind, schema: AnySchema, metadata: ConfigMetadata, itemKind?: FieldKind): string {
  if (metadata.typeLabel) return metadata.typeLabel;
  if (kind === 'enum') return (enumOptions(schema) ?? []).map((option) => JSON.stringify(option)).join(' | ');
  if (kind === 'list') return `list of ${itemKind ?? 'any'}`;
  if (kind === 'json') return `JSON ${schema.type}`;
  return kind;
}

function unwrap(schema: AnySchema): {
  schema: AnySchema;
  metadata: ConfigMetadata;
  optional: boolean;
  hasDefault: boolean;
  defaultValue: unknown;
  description?: string;
} {
  let current = schema;
  let metadata = readConfigMetadata(current);
  let description = descriptionOf(current);
  let optional = false;
  let hasDefault = false;
  let defaultValue: unknown;
  for (let depth = 0; depth < 10 && current.wrapped; depth++) {
    const isOptional = OPTIONAL_WRAPPERS.has(current.type);
    if (isOptional) optional = true;
    else if (!NULLABLE_WRAPPERS.has(current.type)) break;
    // A nullable's default replaces null only; a missing key still fails, so it does not count.
    if (isOptional && !hasDefault && current.default !== undefined) {
      hasDefault = true;
      defaultValue = v.getDefault(current as unknown as v.OptionalSchema<v.GenericSchema, unknown>);
    }
    current = current.wrapped;
    metadata = { ...readConfigMetadata(current), ...metadata };
    description ??= descriptionOf(current);
  }
  return {
    schema: current,
    metadata,
    optional,
    hasDefault,
    defaultValue,
    ...(description ? { description } : {}),
  };
}

/**
 * Reads a valibot schema into the tree of settings kit layers, coerces and reports on. Throws a
 * `config.invalid` KitError for a schema whose settings would share an environment variable.
 */
export function readSchemaFields(schema: v.GenericSchema, prefix: string): FieldNode {
  const byEnvVar = new Map<string, string>();
  const fileVar = configFileEnvVar(prefix);
  const visit = (node: AnySchema, segments: readonly string[]): FieldNode => {
    const info = unwrap(node);
    const { kind, itemKind } = kindOf(info.schema, info.metadata);
    const path = segments.join('.');
    const envVar = segments.length === 0 ? '' : envVarName(segments, prefix);
    if (kind !== 'object' && segments.length > 0) {
      const clash = envVar === fileVar ? `the config file variable` : byEnvVar.get(envVar);
      if (clash !== undefined) {
        throw new KitError('config.invalid', {
          message: `Config schema: "${path}" and ${clash} would both be set by ${envVar}`,
          hint: 'Rename one of the settings so their environment variable names differ.',
        });
      }
      byEnvVar.set(envVar, `"${path}"`);
    }
    const options = enumOptions(info.schema);
    const base = {
      segments,
      path,
      envVar,
      kind,
      ...(itemKind ? { itemKind } : {}),
      ...(options ? { options } : {}),
      typeLabel: labelOf(kind, info.schema, info.metadata, itemKind),
      required: !info.optional && !info.hasDefault,
      hasDefault: info.hasDefault,
      defaultValue: info.defaultValue,
      secret: info.metadata.kind === 'secret',
      singleSource: info.metadata.singleSource === true,
      ...(info.description ? { description: info.description } : {}),
      schema: node as unknown as v.GenericSchema,
    };
    if (kind !== 'object') return base;
    const children = new Map<string, FieldNode>();
    for (const [key, child] of Object.entries(info.schema.entries ?? {})) {
      children.set(key, visit(child, [...segments, key]));
    }
    const allowsUnknownKeys = info.schema.type === 'loose_object' || info.schema.type === 'object_with_rest';
    return { ...base, children, allowsUnknownKeys };
  };
  return visit(schema as unknown as AnySchema, []);
}

/** Every leaf setting under a node, depth first in schema order. */
export function leafFields(node: FieldNode): FieldNode[] {
  if (!node.children) return node.segments.length === 0 ? [] : [node];
  return [...node.children.values()].flatMap(leafFields);
}

/** Every node (objects and leaves) under a node, excluding the root. */
export function allFields(node: FieldNode): FieldNode[] {
  const own = node.segments.length === 0 ? [] : [node];
  if (!node.children) return own;
  return [...own, ...[...node.children.values()].flatMap(allFields)];
}
