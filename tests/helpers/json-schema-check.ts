// A checker of the subset of JSON Schema draft 2020-12 the project's format files use, to test that
// a schema written from a valibot schema agrees with the validator it was written from.

export type Schema = Record<string, unknown>;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The places where `x` breaks `schema` (the subset of draft 2020-12 the file uses); [] when it fits. */
export function jsonSchemaProblems(schema: Schema, x: unknown, at = ''): string[] {
  const out: string[] = [];
  const bad = (what: string) => out.push(`${at || '(root)'}: ${what}`);
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(x)) bad('const');
  if (Array.isArray(schema.enum) && !schema.enum.includes(x)) bad('enum');
  const type = schema.type as string | undefined;
  const typeOk =
    type === undefined ||
    (type === 'object' && isObject(x)) ||
    (type === 'array' && Array.isArray(x)) ||
    (type === 'string' && typeof x === 'string') ||
    (type === 'number' && typeof x === 'number' && Number.isFinite(x)) ||
    (type === 'integer' && Number.isInteger(x)) ||
    (type === 'boolean' && typeof x === 'boolean');
  if (!typeOk) return [...out, `${at || '(root)'}: type ${type}`];
  if (typeof x === 'number') {
    if (typeof schema.minimum === 'number' && x < schema.minimum) bad('minimum');
    if (typeof schema.maximum === 'number' && x > schema.maximum) bad('maximum');
    if (typeof schema.exclusiveMinimum === 'number' && !(x > schema.exclusiveMinimum)) bad('exclusiveMinimum');
    if (typeof schema.exclusiveMaximum === 'number' && !(x < schema.exclusiveMaximum)) bad('exclusiveMaximum');
  }
  if (typeof x === 'string') {
    const length = [...x].length;
    if (typeof schema.minLength === 'number' && length < schema.minLength) bad('minLength');
    if (typeof schema.maxLength === 'number' && length > schema.maxLength) bad('maxLength');
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(x)) bad('pattern');
  }
  if (Array.isArray(x)) {
    if (typeof schema.maxItems === 'number' && x.length > schema.maxItems) bad('maxItems');
    // The first item that breaks it is enough (a list may be 200,000 long).
    const items = schema.items;
    const first = isObject(items) ? x.map((y, i) => jsonSchemaProblems(items, y, `${at}[${i}]`)).find((p) => p.length) : undefined;
    if (first) out.push(...first);
  }
  if (isObject(x)) {
    for (const k of (schema.required as string[] | undefined) ?? []) if (x[k] === undefined) bad(`required ${k}`);
    for (const [k, s] of Object.entries((schema.properties as Record<string, Schema> | undefined) ?? {})) {
      if (x[k] !== undefined) out.push(...jsonSchemaProblems(s, x[k], at ? `${at}.${k}` : k));
    }
  }
  if (Array.isArray(schema.oneOf) && schema.oneOf.filter((s) => jsonSchemaProblems(s as Schema, x, at).length === 0).length !== 1) bad('oneOf');
  if (Array.isArray(schema.allOf)) for (const s of schema.allOf) out.push(...jsonSchemaProblems(s as Schema, x, at));
  return out;
}
