/**
 * Conformance kind `validate` (shared/conformance/README.md): NFD's `pkg/apis/nfd/validate`
 * functions. Single-item functions return one error or none; list functions return a list, which
 * the upstream tests sort by message for the map-based ones (Go's map order is random) and keep in
 * input order for taints, matchFeatures and matchAny.
 */
import * as nfd from '../../../src/core/validate/nfd.ts';
import { template } from '../../../src/core/validate/template.ts';
import type { KindRunner, Vector } from '../vector.ts';

interface ExpectedError {
  errorIs?: string;
  errorMessage?: string;
  errorContains?: string;
}

function repeated(v: Vector, field: string): string | undefined {
  const direct = v[field];
  if (typeof direct === 'string') return direct;
  const rep = v[`${field}_repeat`] as { unit?: unknown; count?: unknown } | undefined;
  if (rep && typeof rep.unit === 'string' && typeof rep.count === 'number') return rep.unit.repeat(rep.count);
  return undefined;
}

function describe(e: nfd.NfdError | null): string {
  if (!e) return 'no error';
  return `${JSON.stringify(e.message)}${e.sentinel ? ` (${e.sentinel})` : ''}`;
}

/** What differs between one expected error and an actual one, or undefined. */
function compareOne(exp: ExpectedError, got: nfd.NfdError): string | undefined {
  if (exp.errorIs !== undefined && got.sentinel !== exp.errorIs) {
    return `expected errors.Is ${exp.errorIs}, got ${describe(got)}`;
  }
  if (exp.errorMessage !== undefined && got.message !== exp.errorMessage) {
    return `expected message ${JSON.stringify(exp.errorMessage)}, got ${JSON.stringify(got.message)}`;
  }
  if (exp.errorContains !== undefined && !got.message.includes(exp.errorContains)) {
    return `expected a message containing ${JSON.stringify(exp.errorContains)}, got ${JSON.stringify(got.message)}`;
  }
  return undefined;
}

function single(v: Vector): nfd.NfdError | null {
  const key = repeated(v, 'key') ?? '';
  const value = repeated(v, 'value') ?? '';
  switch (v.fn) {
    case 'label':
      return nfd.label(key, value);
    case 'annotation':
      return nfd.annotation(key, value);
    case 'extendedResource':
      return nfd.extendedResource(key, value);
    case 'taint': {
      const t = (v.input ?? {}) as { key?: string; value?: string; effect?: string };
      return nfd.taint({ key: t.key ?? '', value: t.value ?? '', effect: t.effect ?? '' });
    }
    default:
      throw new Error(`unknown validate fn ${JSON.stringify(v.fn)}`);
  }
}

function byMessage(a: nfd.NfdError, b: nfd.NfdError): number {
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

function list(v: Vector): nfd.NfdError[] | undefined {
  const input = v.input;
  const errs = (items: nfd.ItemError[]) => items.map((i) => i.error);
  switch (v.fn) {
    case 'labels':
      return errs(nfd.labels(input as Record<string, string>)).sort(byMessage);
    case 'annotations':
      return errs(nfd.annotations(input as Record<string, string>)).sort(byMessage);
    case 'extendedResources':
      return errs(nfd.extendedResources(input as Record<string, string>)).sort(byMessage);
    case 'taints': {
      const taints = ((input ?? []) as Array<{ key?: string; value?: string; effect?: string }>).map((t) => ({
        key: t.key ?? '',
        value: t.value ?? '',
        effect: t.effect ?? '',
      }));
      return errs(nfd.taints(taints));
    }
    case 'matchFeatures': {
      const terms = ((input ?? []) as Array<{ feature?: string }>).map((t) => ({ feature: t.feature ?? '' }));
      return errs(nfd.matchFeatures(terms));
    }
    case 'matchAny': {
      const elems = ((input ?? []) as Array<{ matchFeatures?: Array<{ feature?: string }> | null }>).map(
        (e) => ({
          matchFeatures: (e.matchFeatures ?? []).map((t) => ({ feature: t.feature ?? '' })),
        }),
      );
      return errs(nfd.matchAny(elems));
    }
    case 'template': {
      const err = template(typeof input === 'string' ? input : '');
      return err ? [err] : [];
    }
    default:
      return undefined;
  }
}

export const runVector: KindRunner = (v: Vector) => {
  const expect = v.expect as ExpectedError & { error?: boolean; errors?: ExpectedError[] };
  const got = list(v);
  if (got === undefined) {
    const err = single(v);
    if (expect.error !== undefined && expect.error !== (err !== null)) {
      return `expected ${expect.error ? 'an error' : 'no error'}, got ${describe(err)}`;
    }
    if (err) return compareOne(expect, err);
    if (
      expect.errorIs !== undefined ||
      expect.errorMessage !== undefined ||
      expect.errorContains !== undefined
    ) {
      return 'expected an error, got no error';
    }
    return undefined;
  }
  if (expect.error !== undefined && expect.error !== got.length > 0) {
    return `expected ${expect.error ? 'errors' : 'no errors'}, got [${got.map(describe).join(', ')}]`;
  }
  const want = expect.errors;
  if (want === undefined) return undefined;
  if (want.length !== got.length) {
    return `expected ${want.length} error(s), got ${got.length}: [${got.map(describe).join(', ')}]`;
  }
  for (let i = 0; i < want.length; i++) {
    const diff = compareOne(want[i]!, got[i]!);
    if (diff) return `error ${i}: ${diff}`;
  }
  return undefined;
};
