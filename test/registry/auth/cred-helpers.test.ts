/**
 * Credential helpers under cancellation: a `docker-credential-*` program that hangs is killed when the
 * client's signal fires, and the lookup rejects with the signal's reason at once.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { helperGet } from '../../../src/registry/auth/cred-helpers.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('an abort kills a hanging credential helper and rejects with the reason', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'imgcompat-helper-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const pidFile = path.join(dir, 'pid');
  const helper = path.join(dir, 'docker-credential-hang');
  writeFileSync(helper, `#!/bin/sh\necho $$ > '${pidFile}'\nexec sleep 60\n`);
  chmodSync(helper, 0o755);
  const controller = new AbortController();
  const reason = new Error('cancelled by the caller');
  const pending = helperGet('hang', 'registry.example', { PATH: `${dir}:/usr/bin:/bin` }, controller.signal);
  while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8').trim() === '')
    await new Promise((r) => setTimeout(r, 10));
  const pid = Number(readFileSync(pidFile, 'utf8'));
  assert.ok(alive(pid));
  controller.abort(reason);
  await assert.rejects(pending, (e) => e === reason);
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(alive(pid), false, 'the helper was killed');
});

test('an already aborted signal starts no helper', async () => {
  await assert.rejects(
    helperGet('never-started', 'registry.example', { PATH: '/nonexistent' }, AbortSignal.abort()),
    (e) => e instanceof DOMException && e.name === 'AbortError',
  );
});
