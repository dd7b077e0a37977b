import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { credentialLookup, fromFiles } from '../../../src/registry/auth/credentials.ts';
import { findKey, keyHost } from '../../../src/registry/auth/docker-config.ts';
import { removeLogin, saveLogin } from '../../../src/registry/auth/login.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

async function tmp(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'imgcompat-auth-'));
}

/** A `docker-credential-test` helper that serves and records credentials in $STORE (a JSON file). */
async function helperDir(): Promise<string> {
  const dir = await tmp();
  const script = `#!/bin/sh
verb="$1"
input=$(cat)
case "$verb" in
  get)
    if [ "$input" = "helper.example:5000" ]; then
      echo '{"ServerURL":"helper.example:5000","Username":"helperuser","Secret":"helper-CANARY"}'
    elif [ "$input" = "idtoken.example" ]; then
      echo '{"ServerURL":"idtoken.example","Username":"<token>","Secret":"refresh-CANARY"}'
    else
      echo "credentials not found in native keychain"; exit 1
    fi ;;
  store) printf '%s' "$input" > "$STORE" ;;
  erase) printf 'erased %s' "$input" > "$STORE" ;;
esac
`;
  await writeFile(join(dir, 'docker-credential-test'), script);
  await chmod(join(dir, 'docker-credential-test'), 0o755);
  return dir;
}

test('docker config.json: auths (base64 user:password, split at the first colon), DOCKER_CONFIG', async () => {
  const dir = await tmp();
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({
      auths: {
        'reg.example:5000': { auth: b64('bob:pa:ss') },
        'https://index.docker.io/v1/': { auth: b64('hub:hubpw') },
        'https://legacy.example/v1/': { username: 'leg', password: 'legpw' },
        'tok.example': { registrytoken: 'static-token' },
      },
    }),
  );
  const env = { DOCKER_CONFIG: dir, HOME: '/nonexistent' };
  assert.deepEqual(await fromFiles('reg.example:5000', 'app', env), {
    username: 'bob',
    password: 'pa:ss',
    source: join(dir, 'config.json'),
  });
  assert.equal((await fromFiles('docker.io', 'library/ubuntu', env))?.username, 'hub');
  assert.equal(
    (await fromFiles('legacy.example', 'x', env))?.password,
    'legpw',
    'key host match strips scheme and path',
  );
  assert.equal((await fromFiles('tok.example', 'x', env))?.registryToken, 'static-token');
  assert.equal(await fromFiles('other.example', 'x', env), undefined);
});

test('HOME/.docker/config.json when DOCKER_CONFIG is unset; a corrupt file is a clear error', async () => {
  const home = await tmp();
  await mkdir(join(home, '.docker'));
  await writeFile(
    join(home, '.docker', 'config.json'),
    JSON.stringify({ auths: { 'r.example': { auth: b64('u:p') } } }),
  );
  assert.equal((await fromFiles('r.example', 'a', { HOME: home }))?.username, 'u');
  await writeFile(join(home, '.docker', 'config.json'), '{not json');
  await assert.rejects(fromFiles('r.example', 'a', { HOME: home }), (e: Error & { kind?: string }) => {
    assert.equal(e.kind, 'invalid-input');
    assert.ok(e.message.includes(join(home, '.docker', 'config.json')));
    return true;
  });
});

test('containers auth.json: REGISTRY_AUTH_FILE and XDG_RUNTIME_DIR, most specific key first', async () => {
  const dir = await tmp();
  const authFile = join(dir, 'auth.json');
  await writeFile(
    authFile,
    JSON.stringify({
      auths: {
        'r.example': { auth: b64('host:h') },
        'r.example/team': { auth: b64('team:t') },
        'r.example/team/app': { auth: b64('app:a') },
        'docker.io': { auth: b64('hub:h') },
      },
    }),
  );
  const env = { REGISTRY_AUTH_FILE: authFile, HOME: '/nonexistent' };
  assert.equal((await fromFiles('r.example', 'team/app', env))?.username, 'app');
  assert.equal((await fromFiles('r.example', 'team/other', env))?.username, 'team');
  assert.equal((await fromFiles('r.example', 'solo', env))?.username, 'host');
  assert.equal((await fromFiles('docker.io', 'library/x', env))?.username, 'hub');

  const runtime = await tmp();
  await mkdir(join(runtime, 'containers'));
  await writeFile(
    join(runtime, 'containers', 'auth.json'),
    JSON.stringify({ auths: { 'x.example': { auth: b64('xdg:x') } } }),
  );
  assert.equal(
    (await fromFiles('x.example', 'a', { XDG_RUNTIME_DIR: runtime, HOME: '/nonexistent' }))?.username,
    'xdg',
  );
});

test('credHelpers and credsStore through a docker-credential-* program on PATH', async () => {
  const bin = await helperDir();
  const dir = await tmp();
  const env = { DOCKER_CONFIG: dir, PATH: `${bin}:/usr/bin:/bin`, HOME: '/nonexistent' };
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({ credHelpers: { 'helper.example:5000': 'test', 'idtoken.example': 'test' } }),
  );
  assert.deepEqual(await fromFiles('helper.example:5000', 'a', env), {
    username: 'helperuser',
    password: 'helper-CANARY',
    source: 'docker-credential-test',
  });
  // Username "<token>" means the secret is an identity (refresh) token.
  assert.deepEqual(await fromFiles('idtoken.example', 'a', env), {
    identityToken: 'refresh-CANARY',
    source: 'docker-credential-test',
  });
  // credsStore applies to every registry; "not found" is no credential, not an error.
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({ credsStore: 'test', auths: { 'plain.example': { auth: b64('p:q') } } }),
  );
  assert.equal(await fromFiles('unknown.example', 'a', env), undefined);
  assert.equal((await fromFiles('plain.example', 'a', env))?.username, 'p', 'falls back to the auths entry');
  // A helper that is not installed is an error naming it.
  await writeFile(join(dir, 'config.json'), JSON.stringify({ credsStore: 'missing' }));
  await assert.rejects(
    fromFiles('r.example', 'a', env),
    /docker-credential-missing: program not found on PATH/,
  );
});

test('NFD flags win over files; username without password is ignored (NFD)', async () => {
  const dir = await tmp();
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({ auths: { 'r.example': { auth: b64('file:f') } } }),
  );
  const env = { DOCKER_CONFIG: dir };
  assert.equal(
    (await credentialLookup(env, { username: 'flag', password: 'x' })('r.example', 'a'))?.username,
    'flag',
  );
  assert.equal((await credentialLookup(env, { token: 'T' })('r.example', 'a'))?.registryToken, 'T');
  assert.equal((await credentialLookup(env, { username: 'flag' })('r.example', 'a'))?.username, 'file');
});

test('key matching helpers', () => {
  assert.equal(keyHost('https://r.example:5000/v2/'), 'r.example:5000');
  assert.equal(findKey({ 'http://r.example': 1 }, 'r.example', 'a', 'docker'), 'http://r.example');
  assert.equal(findKey({ 'index.docker.io': 1 }, 'docker.io', 'library/a', 'docker'), 'index.docker.io');
});

test('login writes config.json as docker does, preserving other fields; logout removes the entry', async () => {
  const dir = await tmp();
  const env = { DOCKER_CONFIG: dir };
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({ psFormat: 'table', auths: { 'keep.example': { auth: b64('k:k') } } }),
  );
  await saveLogin('r.example:5000', 'bob', 'pw', env);
  await saveLogin('docker.io', 'hub', 'hpw', env);
  const cfg = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
  assert.equal(cfg.psFormat, 'table');
  assert.equal(cfg.auths['keep.example'].auth, b64('k:k'));
  assert.deepEqual(cfg.auths['r.example:5000'], { auth: b64('bob:pw') });
  assert.deepEqual(cfg.auths['https://index.docker.io/v1/'], { auth: b64('hub:hpw') });
  assert.equal((await stat(join(dir, 'config.json'))).mode & 0o777, 0o600);
  assert.equal(await removeLogin('r.example:5000', env), true);
  assert.equal(await removeLogin('r.example:5000', env), false);
  const after = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
  assert.equal(after.auths['r.example:5000'], undefined);
  assert.ok(after.auths['keep.example']);
});

test('login/logout with a credential helper store and erase through it', async () => {
  const bin = await helperDir();
  const dir = await tmp();
  const store = join(dir, 'store.out');
  const env = { DOCKER_CONFIG: dir, PATH: `${bin}:/usr/bin:/bin`, STORE: store };
  await writeFile(join(dir, 'config.json'), JSON.stringify({ credsStore: 'test' }));
  const r = await saveLogin('r.example', 'bob', 'pw', env);
  assert.equal(r.helper, 'test');
  assert.deepEqual(JSON.parse(await readFile(store, 'utf8')), {
    ServerURL: 'r.example',
    Username: 'bob',
    Secret: 'pw',
  });
  assert.doesNotMatch(await readFile(join(dir, 'config.json'), 'utf8'), /pw/);
  await removeLogin('r.example', env);
  assert.equal(await readFile(store, 'utf8'), 'erased r.example');
});
