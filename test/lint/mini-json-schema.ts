/**
 * A small JSON Schema (draft-07) validator for the keywords src/lint/json-schema.ts uses: $ref (local),
 * type, enum, const, properties, required, additionalProperties, items, minItems, maxItems, minLength,
 * pattern, anyOf, oneOf, allOf, not, if/then. Returns the paths and reasons of the failures.
 */
type Schema = Record<string, unknown> | boolean;

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(v: unknown, t: string): boolean {
  const actual = typeOf(v);
  return actual === t || (t === 'number' && actual === 'integer');
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function validate(root: Record<string, unknown>, value: unknown): string[] {
  const errors: string[] = [];
  const resolve = (ref: string): Schema => {
    if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
    let s: unknown = root;
    for (const part of ref.slice(2).split('/')) s = (s as Record<string, unknown>)[part];
    if (s === undefined) throw new Error(`dangling $ref ${ref}`);
    return s as Schema;
  };
  const check = (schema: Schema, v: unknown, path: string, out: string[]): void => {
    if (schema === true) return;
    if (schema === false) {
      out.push(`${path}: not allowed`);
      return;
    }
    const s = schema;
    if (typeof s.$ref === 'string') check(resolve(s.$ref), v, path, out);
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
      if (!types.some((t) => typeMatches(v, t))) {
        out.push(`${path}: ${typeOf(v)} is not ${types.join('|')}`);
        return;
      }
    }
    if (Array.isArray(s.enum) && !s.enum.some((e) => equal(e, v)))
      out.push(`${path}: ${JSON.stringify(v)} not in enum`);
    if ('const' in s && !equal(s.const, v))
      out.push(`${path}: ${JSON.stringify(v)} is not ${JSON.stringify(s.const)}`);
    if (typeof v === 'string') {
      if (typeof s.minLength === 'number' && v.length < s.minLength) out.push(`${path}: too short`);
      if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v))
        out.push(`${path}: does not match ${s.pattern}`);
    }
    if (Array.isArray(v)) {
      if (typeof s.minItems === 'number' && v.length < s.minItems)
        out.push(`${path}: fewer than ${s.minItems} items`);
      if (typeof s.maxItems === 'number' && v.length > s.maxItems)
        out.push(`${path}: more than ${s.maxItems} items`);
      if (s.items !== undefined) {
        for (const [i, x] of v.entries()) check(s.items as Schema, x, `${path}[${i}]`, out);
      }
    }
    if (typeOf(v) === 'object') {
      const o = v as Record<string, unknown>;
      const props = (s.properties ?? {}) as Record<string, Schema>;
      for (const r of (s.required ?? []) as string[]) if (!(r in o)) out.push(`${path}: missing ${r}`);
      for (const [k, x] of Object.entries(o)) {
        if (Object.hasOwn(props, k)) check(props[k]!, x, `${path}.${k}`, out);
        else if (s.additionalProperties !== undefined)
          check(s.additionalProperties as Schema, x, `${path}.${k}`, out);
      }
    }
    const passes = (sub: Schema) => {
      const tmp: string[] = [];
      check(sub, v, path, tmp);
      return tmp.length === 0;
    };
    if (Array.isArray(s.allOf)) for (const sub of s.allOf as Schema[]) check(sub, v, path, out);
    if (Array.isArray(s.anyOf) && !(s.anyOf as Schema[]).some(passes))
      out.push(`${path}: matches no anyOf branch`);
    if (Array.isArray(s.oneOf) && (s.oneOf as Schema[]).filter(passes).length !== 1)
      out.push(`${path}: does not match exactly one oneOf branch`);
    if (s.not !== undefined && passes(s.not as Schema)) out.push(`${path}: matches a "not" schema`);
    if (s.if !== undefined && passes(s.if as Schema) && s.then !== undefined)
      check(s.then as Schema, v, path, out);
  };
  check(root, value, '$', errors);
  return errors;
}
