// A valibot schema of a file written as JSON Schema (draft 2020-12), for tools outside the project:
// objects, optional fields and their defaults, literals, choices, bounded texts and numbers (the
// bounds the schemas carry as metadata), lists and tagged unions. What a schema checks across
// fields (two objects in one cell, two equal responses) has no JSON Schema form: the caller says it
// in words.

import type * as v from 'valibot';
import type { Bound } from '../train/bounds';
import type { SchemaMeta } from './schema';

export type JsonSchema = { [key: string]: unknown };

/** What valibot keeps of a schema or an action, as read here. */
interface Node {
  kind: string;
  type: string;
  pipe?: Node[];
  entries?: Record<string, Node>;
  item?: Node;
  wrapped?: Node;
  default?: unknown;
  literal?: unknown;
  options?: unknown[];
  requirement?: unknown;
  metadata?: SchemaMeta;
}

/** A schema's pipe flattened (nested pipes opened), its own schema first. */
function flatten(s: Node): Node[] {
  if (!s.pipe) return [s];
  return s.pipe.flatMap((item, i) => (i === 0 || item.kind === 'schema' ? flatten(item) : [item]));
}

function numberSchema(b: Bound): JsonSchema {
  const out: JsonSchema = { type: b.integer ? 'integer' : 'number' };
  if (b.min !== undefined) out.minimum = b.min;
  if (b.max !== undefined) out.maximum = b.max;
  if (b.above !== undefined) out.exclusiveMinimum = b.above;
  if (b.below !== undefined) out.exclusiveMaximum = b.below;
  return out;
}

/** The JSON Schema of a valibot schema built from files/schema.ts's pieces; throws naming a kind of schema it cannot write. */
export function toJsonSchema(schema: v.GenericSchema): JsonSchema {
  const items = flatten(schema as unknown as Node);
  // The last schema of the pipe is what the value is read as (an object after a plain-object check, a list's items after its length).
  const base = [...items].reverse().find((n) => n.kind === 'schema' && n.type !== 'custom') ?? items[0]!;
  const actions = items.filter((n) => n.kind !== 'schema');
  const meta: SchemaMeta = Object.assign({}, ...actions.filter((a) => a.type === 'metadata').map((a) => a.metadata));
  const maxLength = actions.find((a) => a.type === 'max_length')?.requirement as number | undefined;
  const minLength = actions.find((a) => a.type === 'min_length')?.requirement as number | undefined;
  switch (base.type) {
    case 'object': {
      const entries = Object.entries(base.entries ?? {});
      return {
        type: 'object',
        properties: Object.fromEntries(entries.map(([k, e]) => [k, toJsonSchema(e as unknown as v.GenericSchema)])),
        required: entries.filter(([, e]) => e.type !== 'optional').map(([k]) => k),
      };
    }
    case 'optional': {
      const inner = toJsonSchema(base.wrapped as unknown as v.GenericSchema);
      return base.default !== undefined ? { ...inner, default: base.default } : inner;
    }
    case 'literal':
      return { const: base.literal };
    case 'picklist':
      return { enum: base.options };
    case 'string': {
      const out: JsonSchema = { type: 'string' };
      if (minLength !== undefined) out.minLength = minLength;
      if (maxLength !== undefined) out.maxLength = maxLength;
      const patterns = actions.filter((a) => a.type === 'regex').map((a) => (a.requirement as RegExp).source);
      if (meta.nonEmpty) patterns.push('\\S');
      if (patterns.length === 1) out.pattern = patterns[0];
      if (patterns.length > 1) out.allOf = patterns.map((pattern) => ({ pattern }));
      return out;
    }
    case 'number':
      return numberSchema(meta.bound ?? {});
    case 'boolean':
      return { type: 'boolean' };
    case 'array': {
      const out: JsonSchema = { type: 'array', items: toJsonSchema(base.item as unknown as v.GenericSchema) };
      if (maxLength !== undefined) out.maxItems = maxLength;
      return out;
    }
    case 'variant':
      return { oneOf: (base.options as v.GenericSchema[]).map(toJsonSchema) };
    default:
      throw new Error(`toJsonSchema: a ${base.type} schema has no JSON Schema form here`);
  }
}
