/** processIo's terminal prompts, through a real pseudo-terminal (util-linux `script`). */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

function hasScript(): boolean {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('login on a terminal asks for the password and does not echo what is typed', {
  skip: !hasScript() && 'no script(1)',
}, async () => {
  const SECRET = 'CANARY-tty-pw-4e0b';
  const dir = await mkdtemp(join(tmpdir(), 'imgcompat-tty-'));
  // Port 1 refuses the connection: the password was read (login went on to the registry), exit 4.
  const cmd = `node ${BIN} login 127.0.0.1:1 -u alice --plain-http --timeout 5s`;
  const child = spawn('script', ['-qec', cmd, '/dev/null'], {
    env: { ...process.env, DOCKER_CONFIG: dir },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString('utf8');
    if (out.includes('Password: ') && child.stdin.writable) child.stdin.end(`${SECRET}\r`);
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.match(out, /Password: /);
  assert.match(out, /127\.0\.0\.1:1/, out);
  assert.ok(!out.includes(SECRET), `the password was echoed:\n${out}`);
  assert.equal(code, 4, out);
});

/** Runs the CLI with its standard output closed by the reader before anything is written. */
function runWithClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

test('a reader that closes standard output early (| head) ends the CLI quietly with 141, like SIGPIPE for Go', async () => {
  for (const args of [['--help'], ['nfr', 'dryrun', '--help'], ['export', 'features']]) {
    const r = await runWithClosedStdout(args);
    assert.equal(r.stderr, '', `${args.join(' ')}: nothing on stderr, no stack trace`);
    assert.equal(r.code, 141, args.join(' '));
  }
});
