/**
 * Go text/template with NFD's Sprig function map, as NFD's pkg/apis/nfd/template uses it
 * (pkg/apis/nfd/template/template.go): `template.New("").Funcs(sprig.TxtFuncMap() minus env/expandenv/getHostByName)
 * .Option("missingkey=error")`, a 64 KiB size cap, and `ExpandMap`.
 *
 * Differences from Go that remain are documented in README "Templates" and listed in the oracle tests.
 */

import {
  DataError,
  fromJs,
  type GoType,
  type GoValue,
  isNfdShaped,
  T_IFACE,
  T_NFD_DATA,
} from '../go/reflect.ts';
import { quote } from '../go/strconv.ts';
import { trimSpace } from '../go/strings.ts';
import { utf8Length } from '../go/utf8.ts';
import { builtinFuncs } from './builtins.ts';
import { TemplateError, TemplateTooLargeError } from './errors.ts';
import { ExecState } from './exec.ts';
import type { FuncMap } from './funcs.ts';
import { type FunctionCheck, parse, type TreeSet } from './parser.ts';
import { REMOVED_BY_NFD, sprigFuncs, UNSUPPORTED_SPRIG } from './sprig.ts';

export { TemplateError, TemplateTooLargeError } from './errors.ts';
/** The parse trees themselves, for checks that read a template without running it (src/lint). */
export {
  type FunctionCheck,
  type Node,
  type PipeNode,
  parse as parseTemplateTrees,
  type TreeSet,
} from './parser.ts';

/** NFD's template size cap in bytes (ErrTemplateTooLarge above it; exactly 65536 is accepted). */
export const MAX_TEMPLATE_SIZE = 65536;

/**
 * What Go type the data has. `nfd`: NFD's matchedFeatures (map[string]map[string][]map[string]string,
 * as named types). `json`: what encoding/json decodes into interface{}. `auto` (the default): `nfd`
 * when the data has that shape, else `json`.
 */
export type DataType = 'auto' | 'nfd' | 'json';

export interface ExecuteOptions {
  dataType?: DataType;
}

let funcMap: FuncMap | undefined;

function funcs(): FuncMap {
  if (funcMap === undefined) {
    // Sprig's functions are added with Funcs(), which takes precedence over the builtins in Go's
    // findFunction (so Sprig's `slice` replaces the builtin `slice`).
    funcMap = builtinFuncs();
    for (const [name, f] of sprigFuncs()) funcMap.set(name, f);
  }
  return funcMap;
}

const functionCheck: FunctionCheck = {
  check(name: string): string | undefined {
    if (funcs().has(name)) return undefined;
    if (UNSUPPORTED_SPRIG.has(name)) {
      return `function "${name}" not supported: imgcompat does not implement this Sprig function`;
    }
    // Including env, expandenv and getHostByName, which NFD removes (REMOVED_BY_NFD).
    return `function "${name}" not defined`;
  },
};
void REMOVED_BY_NFD;

export class Template {
  readonly text: string;
  private readonly trees: TreeSet;

  constructor(text: string, trees: TreeSet) {
    this.text = text;
    this.trees = trees;
  }

  /** Go's Template.Execute: the output, or a TemplateError (phase 'exec') with Go's message. */
  execute(data: unknown, options: ExecuteOptions = {}): string {
    const dot = toGoValue(data, options.dataType ?? 'auto');
    return new ExecState(this.text, this.trees, funcs()).run('', dot);
  }
}

function toGoValue(data: unknown, dataType: DataType): GoValue {
  const t: GoType = dataType === 'nfd' || (dataType === 'auto' && isNfdShaped(data)) ? T_NFD_DATA : T_IFACE;
  try {
    // Execute(nil) runs with an invalid (not a nil-interface) dot.
    const v = fromJs(data, t);
    return v === null ? undefined : v;
  } catch (e) {
    if (e instanceof DataError) throw new TemplateError(`template data: ${e.message}`, 'exec');
    throw e;
  }
}

/**
 * Parsed templates by text. A Template is immutable once parsed, so rules evaluated again and again
 * (every node, every compatibility set) reuse the parse. Bounded; errors are not cached.
 */
const PARSE_CACHE_LIMIT = 512;
const parseCache = new Map<string, Template>();

/**
 * NFD's template.NewHelper: rejects text over 64 KiB (TemplateTooLargeError), then parses with the
 * NFD function map. Throws TemplateError with Go's parse error text (`template: :1: ...`).
 */
export function parseTemplate(text: string): Template {
  const cached = parseCache.get(text);
  if (cached !== undefined) return cached;
  const t = parseUncached(text);
  if (parseCache.size >= PARSE_CACHE_LIMIT) {
    const oldest = parseCache.keys().next();
    if (!oldest.done) parseCache.delete(oldest.value);
  }
  parseCache.set(text, t);
  return t;
}

function parseUncached(text: string): Template {
  // UTF-16 length <= UTF-8 length, so a long string is rejected without measuring it.
  if (text.length > MAX_TEMPLATE_SIZE) throw new TemplateTooLargeError(utf8Length(text), MAX_TEMPLATE_SIZE);
  const size = utf8Length(text);
  if (size > MAX_TEMPLATE_SIZE) throw new TemplateTooLargeError(size, MAX_TEMPLATE_SIZE);
  return new Template(text, parse(text, functionCheck));
}

/**
 * NFD's Helper.ExpandMap: execute, split the output on "\n", trim each line with Go's
 * strings.TrimSpace, skip blank lines, split at the first "="; a line without "=" is an error.
 * Duplicate keys: the last one wins.
 */
export function expandMap(
  template: string | Template,
  data: unknown,
  options: ExecuteOptions = {},
): Record<string, string> {
  const t = typeof template === 'string' ? parseTemplate(template) : template;
  const out = t.execute(data, options);
  const result: Record<string, string> = {};
  for (const item of out.split('\n')) {
    const trimmed = trimSpace(item);
    if (trimmed === '') continue;
    const eq = trimmed.indexOf('=');
    if (eq < 0) {
      throw new TemplateError(
        `missing value in expanded template line ${quote(trimmed)}, (format must be '<key>=<value>')`,
        'exec',
        'E_TEMPLATE_EXPAND',
      );
    }
    const key = trimmed.slice(0, eq);
    // "__proto__" is an ordinary key here, not the prototype.
    if (key === '__proto__') {
      Object.defineProperty(result, key, {
        value: trimmed.slice(eq + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else result[key] = trimmed.slice(eq + 1);
  }
  return result;
}
