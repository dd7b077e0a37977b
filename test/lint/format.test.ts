/**
 * `-o sarif` output validated by Ajv against the SARIF 2.1.0 JSON schema (test/fixtures/sarif, see its
 * README for where the schema comes from), for logs with findings of every kind, none, and paths that
 * need URI escaping.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FINDING_KINDS } from '../../src/lint/findings.ts';
import { formatSarif, type LintedFile } from '../../src/lint/format.ts';
import { lintText } from '../../src/lint/lint.ts';
import { validate } from './json-schema-validator.ts';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const schema = JSON.parse(readFileSync(join(repo, 'test/fixtures/sarif/sarif-2.1.0.json'), 'utf8')) as object;

// biome-ignore lint/suspicious/noExplicitAny: a parsed SARIF log, mutated freely by the controls
type Log = any;

function sarifErrors(log: unknown): string[] {
  return validate(schema, log, '2020-12');
}

function linted(file: string, text: string): LintedFile {
  const r = lintText(text, file);
  assert.notEqual(r.kind, 'unrecognized');
  return r.kind === 'unrecognized' ? { file, kind: 'spec', findings: [] } : { file, ...r };
}

/** A spec with findings of many kinds, a template finding among them. */
const MANY = `version: v1alpha1
compatibilities:
- tag: a
  weight: -1
  rules:
  - name: r
    varsTemplate: "{{range .pci.device}}{{.Name}}={{add .class 1}}\\n{{end}}"
    matchFeatures:
    - feature: cpu.cpuidd
    - feature: kernel.loadedmodule
      matchExpressions:
        vfio-pci: {op: Exists}
        nouveau: {op: DoesNotExist}
    - feature: pci.device
      matchName: {op: NotIn, value: ["x"]}
      matchExpressions:
        class: {op: In, value: ["0302"]}
    - feature: kernel.version
      matchExpressions:
        major: {op: GtLt, value: ["5", "3"]}
  - name: r
- tag: a
  rules:
  - name: s
    matchFeatures:
    - feature: kernel.config
      matchExpressions:
        CONFIG_NO_HZ: {op: IsTrue}
`;

describe('SARIF output against the SARIF 2.1.0 schema', () => {
  test('the schema is the SARIF 2.1.0 one, and the validator rejects what it forbids', () => {
    assert.match((schema as { title: string }).title, /SARIF\) Version 2\.1\.0 JSON Schema/);
    const good = JSON.parse(formatSarif([linted('a.yaml', MANY)], '1.2.3'));
    assert.deepEqual(sarifErrors(good), []);
    // Controls: each of these breaks one rule of the schema.
    const bad = [
      (l: Log) => {
        l.version = '2.0.0';
      },
      (l: Log) => {
        l.runs[0].results[0].level = 'fatal';
      },
      (l: Log) => {
        l.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
      },
      (l: Log) => {
        delete l.runs[0].tool.driver.name;
      },
      (l: Log) => {
        l.runs[0].results[0].message = 'text';
      },
    ];
    for (const mutate of bad) {
      const l = structuredClone(good);
      mutate(l);
      assert.ok(sarifErrors(l).length > 0, mutate.toString());
    }
  });

  test('a log with findings of many kinds, every finding kind as a rule', () => {
    const files = [linted('a.yaml', MANY), linted('dir with space/b ü.yaml', MANY)];
    const log = JSON.parse(formatSarif(files, '0.1.0'));
    assert.deepEqual(sarifErrors(log), []);
    const ids = new Set<string>(log.runs[0].results.map((r: { ruleId: string }) => r.ruleId));
    for (const id of ['IC1001', 'IC1003', 'IC1007', 'IC1008', 'IC1009', 'IC1011', 'IC1012', 'IC1013']) {
      assert.ok(ids.has(id), id);
    }
    for (const id of ['IC1014', 'IC1015', 'IC1017', 'IC1018']) assert.ok(ids.has(id), id);
    assert.equal(log.runs[0].tool.driver.rules.length, Object.keys(FINDING_KINDS).length);
    assert.equal(
      log.runs[0].results.at(-1).locations[0].physicalLocation.artifactLocation.uri,
      'dir%20with%20space/b%20%C3%BC.yaml',
    );
  });

  test('no findings, and a finding without a position', () => {
    assert.deepEqual(sarifErrors(JSON.parse(formatSarif([], '0.1.0'))), []);
    const noPosition: LintedFile = {
      file: 'c.yaml',
      kind: 'rules',
      findings: [{ id: 'IC1000', severity: 'warning', message: 'm' }],
    };
    assert.deepEqual(sarifErrors(JSON.parse(formatSarif([noPosition], '0.1.0'))), []);
  });
});
