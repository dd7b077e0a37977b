/**
 * Issue 11 class 1: deeply nested templates (parentheses, `print (` calls, `{{if}}`, `{{else if}}`
 * chains) stop at the parser's depth limits with Go's wording ("max expression depth exceeded",
 * text/template/parse parse.go `term`), as a bad input file (exit 3, file:line:col), never a
 * JavaScript stack overflow (exit 70). Templates at the limit still parse and execute.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { memoryIo } from '../../src/cli/io.ts';
import { run } from '../../src/cli/main.ts';
import { MAX_EXEC_DEPTH } from '../../src/template/exec.ts';
import { parseTemplate, TemplateError } from '../../src/template/index.ts';
import { MAX_EXPRESSION_DEPTH, MAX_NESTING_DEPTH } from '../../src/template/parser.ts';

const dir = mkdtempSync(join(tmpdir(), 'imgcompat-limits-depth-'));

const parens = (n: number) => `{{${'('.repeat(n)}1${')'.repeat(n)}}}`;
const prints = (n: number) => `{{${'print ('.repeat(n)}1${')'.repeat(n)}}}`;
const ifs = (n: number) => `${'{{if true}}'.repeat(n)}x${'{{end}}'.repeat(n)}`;
const elseIfs = (n: number) => `{{if false}}${'{{else if false}}'.repeat(n - 1)}{{else}}x{{end}}`;
/** Both limits at once: the deepest tree the parser accepts. */
const both = (n: number) => `${'{{if true}}'.repeat(n)}${prints(n)}${'{{end}}'.repeat(n)}`;

/** Runs `f` with `frames` calls already on the stack, as a caller deep in a program would. */
function withStackUsed<T>(frames: number, f: () => T): T {
  return frames === 0 ? f() : withStackUsed(frames - 1, f);
}

async function cli(args: string[]) {
  const io = memoryIo({ cwd: dir });
  const code = await run(args, io);
  return { code, out: io.out(), err: io.err() };
}

function spec(template: string): string {
  return `version: v1alpha1
compatibilities:
- rules:
  - name: deep
    varsTemplate: ${JSON.stringify(template)}
    matchFeatures:
    - feature: cpu.cpuid
      matchExpressions:
        AVX: {op: Exists}
`;
}

function nfr(template: string): string {
  return `apiVersion: nfd.k8s-sigs.io/v1alpha1
kind: NodeFeatureRule
metadata:
  name: deep
spec:
  rules:
    - name: deep
      labelsTemplate: ${JSON.stringify(template)}
      matchFeatures:
        - feature: cpu.cpuid
          matchExpressions:
            AVX: {op: Exists}
`;
}

const TOO_DEEP: [string, string, RegExp][] = [
  ['parentheses', parens(1700), /max expression depth exceeded/],
  ['print calls', prints(3000), /max expression depth exceeded/],
  ['if', ifs(2000), /max nesting depth exceeded/],
  ['else if', elseIfs(2000), /max nesting depth exceeded/],
];

describe('template depth limits', () => {
  for (const [name, text, re] of TOO_DEEP) {
    test(`nested ${name}: a parse error with Go's wording, not a stack overflow`, () => {
      assert.throws(
        () => parseTemplate(text),
        (e: unknown) => e instanceof TemplateError && e.phase === 'parse' && re.test(e.message),
      );
    });
  }

  test('one level over each limit fails, the limit itself parses and executes', () => {
    assert.throws(() => parseTemplate(parens(MAX_EXPRESSION_DEPTH + 1)), /max expression depth exceeded/);
    assert.throws(() => parseTemplate(ifs(MAX_NESTING_DEPTH + 1)), /max nesting depth exceeded/);
    // With a caller already deep in its own stack: the limits leave room for it.
    for (const t of [parens, prints, ifs, elseIfs, both]) {
      const out = withStackUsed(3000, () => parseTemplate(t(MAX_EXPRESSION_DEPTH)).execute({}));
      assert.match(out, /^(1|x)$/);
    }
  });

  test('recursive templates stop at the execution depth limit, with Go wording', () => {
    const rec = (n: number) =>
      `{{define "a"}}{{if .}}{{template "a" (sub . 1)}}{{end}}{{end}}{{template "a" ${n}}}`;
    assert.equal(
      withStackUsed(3000, () => parseTemplate(rec(150)).execute({})),
      '',
    );
    assert.throws(
      () => withStackUsed(3000, () => parseTemplate(rec(100000)).execute({})),
      (e: unknown) =>
        e instanceof TemplateError &&
        e.message.includes(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`) &&
        // Stopped by the counter (with the node it was at), not by the stack-overflow safety net.
        e.message.includes('executing "a" at <'),
    );
  });
});

describe('deep templates through the commands: exit 3 with the file position, never 70', () => {
  for (const [name, text, re] of TOO_DEEP) {
    test(`validate-spec, eval, validate-node, nfr validate, nfr dryrun: nested ${name}`, async () => {
      const specName = `spec-${name.replace(' ', '-')}.yaml`;
      writeFileSync(join(dir, specName), spec(text));
      writeFileSync(
        join(dir, 'f.json'),
        JSON.stringify({ flags: { 'cpu.cpuid': { elements: { AVX: {} } } } }),
      );
      const nfrName = `nfr-${name.replace(' ', '-')}.yaml`;
      writeFileSync(join(dir, nfrName), nfr(text));
      for (const args of [
        ['validate-spec', specName],
        ['eval', '--spec', specName, '--features', 'f.json'],
        ['validate-node', '--spec', specName, '--features', 'f.json'],
        ['nfr', 'validate', nfrName],
        ['nfr', 'dryrun', '--rule', nfrName, '--features', 'f.json'],
      ]) {
        const r = await cli(args);
        assert.equal(r.code, 3, `${args.join(' ')}: ${r.err}`);
        assert.doesNotMatch(r.err + r.out, /^\s+at |RangeError|internal error/m);
        assert.match(r.err, re, args.join(' '));
        if (args[0] === 'validate-spec')
          assert.match(r.err, new RegExp(`^${specName}:\\d+:\\d+: error: `, 'm'));
      }
    });
  }
});
