/** The registry commands through the CLI, in-process: on an OCI layout, and credential hygiene. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { memoryIo } from '../../src/cli/io.ts';
import { run } from '../../src/cli/main.ts';
import { json, startServer } from './helpers/http-server.ts';
import { makeLayout, SPEC_YAML } from './helpers/layout-fixture.ts';

async function cli(
  argv: string[],
  opts: { stdin?: string; env?: Record<string, string>; cwd?: string } = {},
) {
  const io = memoryIo(opts);
  const code = await run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

test('attach / discover / get / remove on an OCI layout through the CLI', async () => {
  const f = await makeLayout();
  await writeFile(join(f.dir, 'spec.yaml'), SPEC_YAML);
  const ref = `oci:${f.dir}:single`;
  const a = await cli(['attach', ref, 'spec.yaml', '--annotation', 'team=infra'], { cwd: f.dir });
  assert.equal(a.code, 0, a.err);
  const digest = /Digest: (sha256:[a-f0-9]{64})/.exec(a.out)![1]!;
  const d = await cli(['discover', ref, '--output', 'json']);
  assert.equal(d.code, 0, d.err);
  const node = JSON.parse(d.out);
  assert.equal(node.digest, f.single.manifest.digest);
  assert.equal(node.referrers[0].digest, digest);
  assert.equal(node.referrers[0].annotations.team, 'infra');
  const table = await cli(['discover', ref]);
  assert.match(table.out, /Discovered 1 compatibility artifact\(s\)/);
  const g = await cli(['get', ref]);
  assert.equal(g.code, 0, g.err);
  assert.equal(g.out, SPEC_YAML);
  const r = await cli(['remove', ref]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, new RegExp(`Removed .*${digest}`));
  const none = await cli(['get', ref]);
  assert.equal(none.code, 5);
  assert.match(none.err, /compatibility artifact not found.*imgcompat attach .* spec\.yaml/);
});

test('attach refuses an invalid spec with line:column and pushes nothing', async () => {
  const f = await makeLayout();
  await writeFile(join(f.dir, 'bad.yaml'), 'version: v1alpha1\ncompatibilities: []\n');
  const a = await cli(['attach', `oci:${f.dir}:single`, 'bad.yaml'], { cwd: f.dir });
  assert.equal(a.code, 3);
  assert.match(a.err, /bad\.yaml:2:\d+/);
  assert.equal((await cli(['discover', `oci:${f.dir}:single`])).out.includes('Discovered 0'), true);
});

test('usage errors: malformed reference, conflicting flags, bad digest, bad timeout', async () => {
  assert.equal((await cli(['discover', 'Bad//Ref'])).code, 2);
  const both = await cli(['get', 'r.example/app', '--registry-password-stdin', '--registry-token-stdin']);
  assert.equal(both.code, 2);
  assert.match(both.err, /cannot use --registry-token-stdin and --registry-password-stdin at the same time/);
  assert.equal((await cli(['get', 'r.example/app', '--digest', 'sha256:12'])).code, 2);
  assert.equal(
    (await cli(['remove', 'r.example/app', '--digest', `sha256:${'a'.repeat(64)}`, '--all'])).code,
    2,
  );
  assert.match((await cli(['get', 'r.example/app', '--timeout', 'soon'])).err, /--timeout "soon"/);
  assert.equal((await cli(['get', 'r.example/app', '--platform', 'a/b/c/d'])).code, 2);
});

test('a password given on stdin never appears in output, errors or the --verbose trace', async (t) => {
  const CANARY = 'CANARY-pw-91c2e';
  const srv = await startServer((_r, res) =>
    json(
      res,
      401,
      { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
      { 'www-authenticate': 'Basic realm="r"' },
    ),
  );
  t.after(() => srv.close());
  const home = await mkdtemp(join(tmpdir(), 'imgcompat-home-'));
  const env = { HOME: home };
  const runs = [
    await cli(
      [
        'get',
        `${srv.host}/app:1`,
        '--plain-http',
        '--verbose',
        '--registry-username',
        'u',
        '--registry-password-stdin',
      ],
      {
        stdin: `${CANARY}\n`,
        env,
      },
    ),
    await cli(['discover', `${srv.host}/app:1`, '--plain-http', '--verbose', '--registry-token-stdin'], {
      stdin: CANARY,
      env,
    }),
    await cli(['login', srv.host, '-u', 'u', '--password-stdin', '--plain-http', '--verbose'], {
      stdin: CANARY,
      env,
    }),
    // oras' -u/-p: the password on the command line is sent but never printed either.
    await cli(['get', `${srv.host}/app:1`, '--plain-http', '--verbose', '-u', 'u', '-p', CANARY], { env }),
    await cli(
      [
        'discover',
        `${srv.host}/app:1`,
        '--plain-http',
        '--verbose',
        '--username',
        'u',
        `--password=${CANARY}`,
      ],
      {
        env,
      },
    ),
    await cli(['login', srv.host, '-u', 'u', '-p', CANARY, '--plain-http', '--verbose'], { env }),
  ];
  const b64 = Buffer.from(`u:${CANARY}`).toString('base64');
  for (const r of runs) {
    assert.equal(r.code, 4, r.err);
    assert.match(r.err, /rejected the credentials/);
    assert.ok(r.err.includes(srv.host), 'the registry is named');
    assert.match(r.err, /> (HEAD|GET) http:\/\/127\.0\.0\.1/);
    for (const secret of [CANARY, b64]) {
      assert.ok(!r.out.includes(secret) && !r.err.includes(secret), `secret leaked:\n${r.err}`);
    }
  }
  // The credentials were really sent (and refused), with NFD's stdin trimming.
  assert.equal(srv.requests.filter((r) => r.headers.authorization === `Basic ${b64}`).length >= 4, true);
  assert.ok(srv.requests.some((r) => r.headers.authorization === `Bearer ${CANARY}`));
});

test('login stores credentials after the registry accepted them; logout removes them', async (t) => {
  const good = `Basic ${Buffer.from('alice:pw').toString('base64')}`;
  const srv = await startServer((r, res) => {
    if (r.headers.authorization === good) return json(res, 200, {});
    json(res, 401, {}, { 'www-authenticate': 'Basic realm="r"' });
  });
  t.after(() => srv.close());
  const dir = await mkdtemp(join(tmpdir(), 'imgcompat-docker-'));
  const env = { DOCKER_CONFIG: dir };
  const ok = await cli(['login', srv.host, '-u', 'alice', '--password-stdin', '--plain-http'], {
    stdin: 'pw\n',
    env,
  });
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /Login Succeeded/);
  // The stored credentials are used by the next command.
  const { readFile } = await import('node:fs/promises');
  const cfg = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
  assert.equal(cfg.auths[srv.host].auth, Buffer.from('alice:pw').toString('base64'));
  const out = await cli(['logout', srv.host], { env });
  assert.match(out.out, /Removing login credentials/);
  const bad = await cli(['login', srv.host, '-u', 'alice', '--password-stdin', '--plain-http'], {
    stdin: 'nope',
    env,
  });
  assert.equal(bad.code, 4);
  const after = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
  assert.equal(after.auths[srv.host], undefined, 'rejected credentials are not stored');
});

test('a layout whose index.json has a null or malformed entry: exit 3 naming index.json and the entry', async () => {
  for (const [entry, want] of [
    [null, /index\.json: not an image index: manifests\[1\]: expected a descriptor object, found null/],
    [
      { mediaType: 'x', digest: 'sha256:00', size: '12' },
      /manifests\[1\]\.size: expected a non-negative integer/,
    ],
    [{ mediaType: 'x', digest: 'sha256:00', size: 1, platform: 'linux' }, /manifests\[1\]\.platform/],
  ] as const) {
    const f = await makeLayout();
    const indexFile = join(f.dir, 'index.json');
    const index = JSON.parse(await readFile(indexFile, 'utf8')) as { manifests: unknown[] };
    index.manifests.splice(1, 0, entry);
    await writeFile(indexFile, JSON.stringify(index));
    const ref = `oci:${f.dir}:single`;
    for (const argv of [
      ['get', ref],
      ['discover', ref],
      ['remove', ref, '--all'],
      [
        'validate-node',
        '--image',
        ref,
        '--features',
        fileURLToPath(new URL('../../../examples/features.json', import.meta.url)),
      ],
    ]) {
      const r = await cli(argv);
      assert.equal(r.code, 3, `${argv.join(' ')}: ${r.err}`);
      assert.match(r.err, want, argv.join(' '));
      assert.doesNotMatch(r.err, /\n\s+at |internal error/);
    }
  }
});

test('a layout artifact that is broken is reported naming its digest (exit 3), or skipped with a warning when another is valid', async () => {
  for (const breakIt of ['corrupt', 'not-json', 'oversized'] as const) {
    const f = await makeLayout();
    await writeFile(join(f.dir, 'spec.yaml'), SPEC_YAML);
    const ref = `oci:${f.dir}:single`;
    const attached = await cli(['attach', ref, 'spec.yaml'], { cwd: f.dir });
    assert.equal(attached.code, 0, attached.err);
    const digest = /Digest: (sha256:[a-f0-9]{64})/.exec(attached.out)![1]!;
    const blob = join(f.dir, 'blobs', 'sha256', digest.slice(7));
    const indexFile = join(f.dir, 'index.json');
    if (breakIt === 'corrupt') await writeFile(blob, `${await readFile(blob, 'utf8')} `);
    if (breakIt === 'not-json') await writeFile(blob, 'not json');
    if (breakIt === 'oversized') {
      const index = JSON.parse(await readFile(indexFile, 'utf8')) as {
        manifests: { digest: string; size: number }[];
      };
      index.manifests.find((m) => m.digest === digest)!.size = 5 * 1024 * 1024;
      await writeFile(indexFile, JSON.stringify(index));
    }
    for (const argv of [
      ['get', ref],
      ['discover', ref],
    ]) {
      const r = await cli(argv);
      assert.equal(r.code, 3, `${breakIt} ${argv[0]}: ${r.err}`);
      assert.match(r.err, new RegExp(`no usable compatibility artifact .*referrer ${digest}: `), breakIt);
    }
    // A valid artifact besides the broken one: used, and the broken one is named in a warning.
    await writeFile(join(f.dir, 'spec2.yaml'), `${SPEC_YAML}# v2\n`);
    assert.equal((await cli(['attach', ref, 'spec2.yaml'], { cwd: f.dir })).code, 0);
    const g = await cli(['get', ref]);
    assert.equal(g.code, 0, g.err);
    assert.equal(g.out, `${SPEC_YAML}# v2\n`);
    assert.match(g.err, new RegExp(`warning: referrer ${digest}: .*\\(skipped\\)`));
  }
});

test('a layout directory that does not exist (or has no oci-layout file) is a bad input: exit 3 naming it', async () => {
  const missing = join(await mkdtemp(join(tmpdir(), 'imgcompat-nolayout-')), 'absent');
  for (const argv of [
    ['get', `oci:${missing}:app`],
    ['discover', `oci:${missing}:app`],
    [
      'validate-node',
      '--image',
      `oci:${missing}:app`,
      '--features',
      fileURLToPath(new URL('../../../examples/features.json', import.meta.url)),
    ],
  ]) {
    const r = await cli(argv);
    assert.equal(r.code, 3, `${argv.join(' ')}: ${r.err}`);
    assert.match(r.err, /absent is not an OCI image layout \(no oci-layout file\)/);
    assert.doesNotMatch(r.err, /\n\s+at /);
  }
});

test('-p/--password usage errors never echo the password', async () => {
  const SECRET = 'CANARY-cli-pw-5d1a';
  const runs = [
    await cli(['get', 'r.example/app', '-p', SECRET]),
    await cli(['get', 'r.example/app', '-u', 'u', '-p', SECRET, '--registry-password-stdin'], { stdin: 'x' }),
    await cli(['get', 'r.example/app', '-u', 'a', '--registry-username', 'b', '-p', SECRET]),
    await cli(['login', 'r.example', '-u', 'u', '-p', SECRET, '--password-stdin'], { stdin: 'x' }),
    // logout takes no password: commander's "unknown option" must not quote the value.
    await cli(['logout', 'r.example', `--password=${SECRET}`]),
  ];
  for (const r of runs) {
    assert.equal(r.code, 2, r.err);
    assert.ok(!r.out.includes(SECRET) && !r.err.includes(SECRET), `secret leaked:\n${r.err}`);
  }
  assert.match(runs[0]!.err, /-p\/--password needs -u\/--username/);
  assert.match(runs[1]!.err, /-p\/--password cannot be combined/);
  assert.match(runs[2]!.err, /name different users/);
  assert.match(runs[3]!.err, /cannot be combined/);
  assert.match(runs[4]!.err, /unknown option '--password=\.\.\.'/);
});

test('--registry-config: login writes, get reads and logout edits that file, not DOCKER_CONFIG', async (t) => {
  const good = `Basic ${Buffer.from('alice:pw').toString('base64')}`;
  const srv = await startServer((r, res) => {
    if (r.headers.authorization !== good)
      return json(res, 401, {}, { 'www-authenticate': 'Basic realm="r"' });
    if (r.url === '/v2/') return json(res, 200, {});
    json(res, 404, { errors: [{ code: 'MANIFEST_UNKNOWN', message: 'no' }] });
  });
  t.after(() => srv.close());
  const dockerDir = await mkdtemp(join(tmpdir(), 'imgcompat-docker-'));
  const cwd = await mkdtemp(join(tmpdir(), 'imgcompat-authfile-'));
  const env = { DOCKER_CONFIG: dockerDir };
  const ok = await cli(
    ['login', srv.host, '-u', 'alice', '-p', 'pw', '--plain-http', '--registry-config', 'auth.json'],
    { env, cwd },
  );
  assert.equal(ok.code, 0, ok.err);
  const cfg = JSON.parse(await readFile(join(cwd, 'auth.json'), 'utf8'));
  assert.equal(cfg.auths[srv.host].auth, Buffer.from('alice:pw').toString('base64'));
  await assert.rejects(readFile(join(dockerDir, 'config.json')), { code: 'ENOENT' });
  // A command reads the credentials from that file (the registry answers 404 only once authenticated) ...
  const before = srv.requests.length;
  const got = await cli(
    ['get', `${srv.host}/app:1`, '--plain-http', '--registry-config', join(cwd, 'auth.json')],
    {
      env,
    },
  );
  assert.match(got.err, /manifest not found/);
  assert.ok(srv.requests.slice(before).some((r) => r.headers.authorization === good));
  // ... and without it the default location (empty here) is used: no credentials, refused.
  const without = await cli(['get', `${srv.host}/app:1`, '--plain-http'], { env });
  assert.equal(without.code, 4, without.err);
  assert.doesNotMatch(without.err, /manifest not found/);
  const out = await cli(['logout', srv.host, '--registry-config', 'auth.json'], { env, cwd });
  assert.match(out.out, /Removing login credentials/);
  const after = JSON.parse(await readFile(join(cwd, 'auth.json'), 'utf8'));
  assert.equal(after.auths[srv.host], undefined);
});

test('--oci-layout DIR[:tag] (oras spelling) is the same image as oci:DIR[:tag] on every command that takes one', async () => {
  const f = await makeLayout();
  await writeFile(join(f.dir, 'spec.yaml'), SPEC_YAML);
  // A relative DIR is resolved from the working directory, as oci:DIR: no layout there, exit 3.
  const a = await cli(['attach', '--oci-layout', 'missing:1', 'spec.yaml'], { cwd: f.dir });
  assert.equal(a.code, 3, a.err);
  assert.match(a.err, /missing/);
  const attached = await cli(['attach', '--oci-layout', `${f.dir}:single`, 'spec.yaml'], { cwd: f.dir });
  assert.equal(attached.code, 0, attached.err);
  const digest = /Digest: (sha256:[a-f0-9]{64})/.exec(attached.out)![1]!;
  const viaFlag = await cli(['discover', `${f.dir}:single`, '--oci-layout', '-o', 'json']);
  const viaPrefix = await cli(['discover', `oci:${f.dir}:single`, '-o', 'json']);
  assert.equal(viaFlag.code, 0, viaFlag.err);
  assert.equal(viaFlag.out, viaPrefix.out);
  assert.equal(JSON.parse(viaFlag.out).referrers[0].digest, digest);
  const g = await cli(['get', '--oci-layout', `${f.dir}:single`]);
  assert.equal(g.out, SPEC_YAML);
  // validate-node's --image (offline features, so only the spec comes from the layout).
  const features = fileURLToPath(new URL('../../../examples/features.json', import.meta.url));
  const v = await cli([
    'validate-node',
    '--oci-layout',
    '--image',
    `${f.dir}:single`,
    '--features',
    features,
  ]);
  const vPrefix = await cli(['validate-node', '--image', `oci:${f.dir}:single`, '--features', features]);
  assert.ok(v.code === 0 || v.code === 1, v.err);
  assert.equal(v.code, vPrefix.code);
  assert.equal(v.out, vPrefix.out);
  const r = await cli(['remove', '--oci-layout', `${f.dir}:single`, '--force']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, new RegExp(`Removed .*${digest}`));
  // Without the flag the same text is a registry reference: a usage error, not a layout.
  const plain = await cli(['get', `${f.dir}:single`]);
  assert.equal(plain.code, 2, plain.err);
});

test('login asks for the password on a terminal when neither -p nor --password-stdin is given', async (t) => {
  const SECRET = 'CANARY-typed-pw-77';
  const good = `Basic ${Buffer.from(`alice:${SECRET}`).toString('base64')}`;
  const srv = await startServer((r, res) => {
    if (r.headers.authorization === good) return json(res, 200, {});
    json(res, 401, {}, { 'www-authenticate': 'Basic realm="r"' });
  });
  t.after(() => srv.close());
  const dir = await mkdtemp(join(tmpdir(), 'imgcompat-docker-'));
  const io = memoryIo({ env: { DOCKER_CONFIG: dir }, secrets: [SECRET] });
  const code = await run(['login', srv.host, '-u', 'alice', '--plain-http'], io);
  assert.equal(code, 0, io.err());
  assert.match(io.err(), /^Password: /);
  assert.ok(!io.out().includes(SECRET) && !io.err().includes(SECRET));
  const cfg = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
  assert.equal(cfg.auths[srv.host].auth, Buffer.from(`alice:${SECRET}`).toString('base64'));
  // Not a terminal: nobody to ask, a usage error naming the flags.
  const piped = await cli(['login', srv.host, '-u', 'alice', '--plain-http'], {
    env: { DOCKER_CONFIG: dir },
  });
  assert.equal(piped.code, 2);
  assert.match(piped.err, /--password-stdin/);
});
