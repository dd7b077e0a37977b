import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { generateDocs } from '../../src/cli/docs.ts';
import { memoryIo } from '../../src/cli/io.ts';
import { buildProgram } from '../../src/cli/program.ts';
import { commandPaths } from './command-paths.ts';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const DOCS = join(ROOT, 'docs');

test('the committed docs/ are what `npm run docs` generates from the command tree', () => {
  const files = generateDocs();
  for (const f of files) {
    const path = join(DOCS, f.path);
    assert.ok(existsSync(path), `docs/${f.path} is missing: run \`npm run docs\``);
    assert.equal(readFileSync(path, 'utf8'), f.content, `docs/${f.path} is stale: run \`npm run docs\``);
  }
  const generated = new Set(files.map((f) => f.path));
  const stale = readdirSync(DOCS).filter(
    (name) => !generated.has(name) && readFileSync(join(DOCS, name), 'utf8').includes('npm run docs'),
  );
  assert.deepEqual(stale, [], 'pages of commands that no longer exist: run `npm run docs`');
});

test('every command has a page with its usage, every option of its own and its examples', () => {
  const files = new Map(generateDocs().map((f) => [f.path, f.content]));
  const program = buildProgram({ io: memoryIo(), exitCode: 0 }, 'imgcompat');
  for (const path of commandPaths()) {
    const page = files.get(`imgcompat-${path.join('-')}.md`);
    assert.ok(page, `no page for ${path.join(' ')}`);
    assert.match(page, new RegExp(`^# imgcompat ${path.join(' ')}\\n`));
    let cmd: Command = program;
    for (const name of path) cmd = cmd.commands.find((c) => c.name() === name)!;
    for (const o of cmd.options) assert.ok(page.includes(`\`${o.flags}\``), `${path.join(' ')}: ${o.flags}`);
    assert.match(page, /\nExamples?:\n {2}(imgcompat|source|echo)/, `${path.join(' ')}: no example`);
    // The index links every page.
    assert.ok(files.get('README.md')?.includes(`(imgcompat-${path.join('-')}.md)`), path.join(' '));
  }
});

test('Markdown links between the pages resolve', () => {
  const names = new Set(generateDocs().map((f) => f.path));
  for (const f of generateDocs()) {
    for (const m of f.content.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)) {
      assert.ok(names.has(m[1]!), `${f.path} links to ${m[1]}`);
    }
  }
});

test('the man page is roff that man/groff renders, with every command and the exit status', () => {
  const man = generateDocs().find((f) => f.path === 'imgcompat.1')!.content;
  assert.match(man, /^\.\\" .*\n\.TH IMGCOMPAT 1 /);
  for (const section of ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'COMMANDS', 'EXIT STATUS'])
    assert.ok(man.includes(`\n.SH ${section}\n`), section);
  // Only ASCII reaches troff (other characters are written as \[uXXXX]).
  assert.doesNotMatch(man, /[^\n -~]/);
  for (const path of commandPaths())
    assert.ok(man.includes(`.SS "imgcompat ${path.join(' ').replace(/-/g, '\\-')} `));
  const groff = spawnSync('groff', ['-man', '-Tutf8', '-ww', '-z', join(DOCS, 'imgcompat.1')], {
    encoding: 'utf8',
  });
  if (groff.error) return; // groff is not installed: the structure checks above still ran
  assert.equal(groff.status, 0, groff.stderr);
  assert.equal(groff.stderr, '', 'groff warnings');
  const text = spawnSync('groff', ['-man', '-Tascii', '-P', '-cbou', join(DOCS, 'imgcompat.1')], {
    encoding: 'utf8',
  }).stdout;
  assert.match(text, /imgcompat validate-node \[options\]/);
  assert.match(text, /-o, --output <format>/);
  assert.match(text, /EXIT STATUS/);
});

test('the README command table links to a page for every top-level command', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const names = new Set(readdirSync(DOCS));
  for (const path of commandPaths().filter((p) => p.length === 1)) {
    assert.ok(readme.includes(`](docs/imgcompat-${path[0]}.md)`), `README does not link ${path[0]}`);
  }
  for (const m of readme.matchAll(/\]\(docs\/([^)#]+)\)/g)) assert.ok(names.has(m[1]!), m[1]);
});
