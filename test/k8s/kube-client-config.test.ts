/**
 * Kubeconfig problems are invalid input (exit 3) naming the file and the problem: an empty file, a server
 * that is not a URL, and exec credential plugins that are missing, fail, or print something else. The
 * credential step runs before any request, so no API server is needed (the server is a closed port).
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { memoryIo } from '../../src/cli/io.ts';
import { run } from '../../src/cli/main.ts';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'imgcompat-kubeconfig-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(name: string, opts: { server?: string; exec?: string } = {}): string {
  const user = opts.exec
    ? `    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ${JSON.stringify(opts.exec)}\n      interactiveMode: Never\n`
    : '    token: abc\n';
  const file = join(dir, name);
  writeFileSync(
    file,
    `apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: k\n  cluster:\n    server: ${JSON.stringify(opts.server ?? 'https://127.0.0.1:1')}\n` +
      `contexts:\n- name: c\n  context:\n    cluster: k\n    user: u\nusers:\n- name: u\n  user:\n${user}`,
  );
  return file;
}

function plugin(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

async function clusterValidate(cfg: string) {
  const io = memoryIo({ cwd: repo, env: { PATH: process.env.PATH ?? '' } });
  const code = await run(['cluster', 'validate', '--spec', 'examples/spec.yaml', '--kubeconfig', cfg], io);
  return { code, err: io.err() };
}

test('kubeconfig problems: exit 3 naming the file and the problem, no stack trace', async () => {
  const empty = join(dir, 'empty.yaml');
  writeFileSync(empty, '\n');
  const cases: [string, RegExp][] = [
    [empty, /kubeconfig .*empty\.yaml: the file is empty/],
    [
      kubeconfig('not-url.yaml', { server: 'not a url' }),
      /not-url\.yaml: cluster "k" of context "c" has server "not a url", which is not an http\(s\) URL/,
    ],
    [
      kubeconfig('missing-plugin.yaml', { exec: join(dir, 'no-such-plugin') }),
      /missing-plugin\.yaml: user "u": the exec credential plugin ".*no-such-plugin" was not found/,
    ],
    [
      kubeconfig('silent-fail.yaml', { exec: plugin('silent-fail.sh', 'exit 1') }),
      /silent-fail\.yaml: user "u": the exec credential plugin ".*silent-fail\.sh" failed without a message/,
    ],
    [
      kubeconfig('loud-fail.yaml', {
        exec: plugin('loud-fail.sh', 'echo "token expired \x1b[31m" >&2; exit 2'),
      }),
      /loud-fail\.yaml: .* failed: token expired \\u001b\[31m/,
    ],
    [
      kubeconfig('not-json.yaml', { exec: plugin('not-json.sh', 'echo hello') }),
      /not-json\.yaml: .*not-json\.sh" printed something that is not JSON/,
    ],
    [
      kubeconfig('no-status.yaml', { exec: plugin('no-status.sh', 'echo "{}"') }),
      /no-status\.yaml: .*no-status\.sh" printed JSON that is not an ExecCredential/,
    ],
  ];
  for (const [cfg, want] of cases) {
    const r = await clusterValidate(cfg);
    assert.equal(r.code, 3, `${cfg}: ${r.err}`);
    assert.match(r.err, want);
    assert.doesNotMatch(r.err, /internal error|\n\s+at |Cannot read properties/);
  }
});
