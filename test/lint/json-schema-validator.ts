/**
 * Ajv (https://ajv.js.org), a full JSON Schema validator, for the tests: draft-07 for our own schemas
 * (src/lint/json-schema.ts), draft 2020-12 for the SARIF schema in test/fixtures/sarif, with the
 * `format` checks of ajv-formats. Loaded with require: both packages are CommonJS.
 * Returns one line per failure: the instance path, Ajv's message and its parameters.
 */
import { createRequire } from 'node:module';

interface AjvError {
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}
type ValidateFn = ((data: unknown) => boolean) & { errors?: AjvError[] | null };
interface AjvInstance {
  compile(schema: object): ValidateFn;
}
type AjvClass = new (opts: object) => AjvInstance;

const require = createRequire(import.meta.url);

function make(module: string): AjvInstance {
  const Ajv = (require(module) as { default: AjvClass }).default;
  const addFormats = (require('ajv-formats') as { default: (a: AjvInstance) => void }).default;
  // strict: false: third-party schemas (SARIF's) use constructs strict mode refuses to compile.
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv;
}

let draft07: AjvInstance | undefined;
let draft2020: AjvInstance | undefined;
const compiled = new WeakMap<object, ValidateFn>();

/** Validates `value` against `schema`; `[]` when it is valid. */
export function validate(schema: object, value: unknown, draft: '07' | '2020-12' = '07'): string[] {
  let fn = compiled.get(schema);
  if (!fn) {
    let ajv: AjvInstance;
    if (draft === '07') {
      draft07 ??= make('ajv');
      ajv = draft07;
    } else {
      draft2020 ??= make('ajv/dist/2020');
      ajv = draft2020;
    }
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  if (fn(value)) return [];
  return (fn.errors ?? []).map(
    (e) => `${e.instancePath || '/'}: ${e.message ?? 'invalid'} ${JSON.stringify(e.params)}`,
  );
}
