/** The Kubernetes client library is loaded only by the cluster commands, never at CLI start. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT, tempDir } from '../e2e/harness/index.ts';

// A module-resolution hook that reports every import of the client library on stderr.
const HOOK =
  'data:text/javascript,import {register} from "node:module"; register("data:text/javascript,' +
  'export async function resolve(s,c,n){ if(s.includes(\\"@kubernetes/client-node\\")) console.error(\\"LOADED-K8S\\"); return n(s,c);}")';

function cli(args: string[]): { status: number | null; stderr: string } {
  const bin = join(REPO_ROOT, 'build', 'src', 'cli', 'bin.js');
  const r = spawnSync(process.execPath, ['--import', HOOK, bin, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
  });
  return { status: r.status, stderr: r.stderr };
}

test('--help and the host commands do not load @kubernetes/client-node; cluster commands do', () => {
  for (const args of [
    ['--help'],
    ['cluster', 'validate', '--help'],
    ['webhook', 'manifests', '--image', 'r.example/i:1', '--cert-manager'],
  ]) {
    const r = cli(args);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /LOADED-K8S/, args.join(' '));
  }
  const cfg = join(tempDir('imgcompat-lazy-'), 'kubeconfig');
  writeFileSync(cfg, 'apiVersion: v1\nkind: Config\nclusters: []\n');
  const used = cli(['cluster', 'validate', '--spec', 'x.yaml', '--kubeconfig', cfg]);
  assert.match(used.stderr, /LOADED-K8S/, 'the hook sees the library when a cluster command runs');
  assert.equal(used.status, 3);
});
