/**
 * Authentication and transport security against docker-registry 2.8: htpasswd Basic auth, Bearer token
 * auth through the test token server (anonymous pull token, push scope, static tokens), credentials from
 * NFD's flags, docker config.json, containers auth.json and `imgcompat login`/`logout`, a custom CA
 * (`--ca-file`) and `--insecure`. A canary password must never appear in any output (issue 6 item 2).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  access,
  assertCleanFailure,
  assertExit,
  type CliResult,
  cliTransportFlags,
  imgcompat,
  isolatedEnv,
  literal,
  missingTools,
  pushImage,
  startDockerRegistry,
  type TestRegistry,
  validSpec,
  writeSpec,
} from './harness/index.ts';

const skip = missingTools('docker-registry', 'skopeo', 'htpasswd', 'openssl');

const CANARY_USER = 'canary';
const CANARY = `canary-${randomBytes(9).toString('hex')}`;
/** Every form in which the canary password could leak (plain, inside Basic auth, base64 alone). */
const CANARY_FORMS = [
  CANARY,
  Buffer.from(`${CANARY_USER}:${CANARY}`).toString('base64'),
  Buffer.from(`alice:${CANARY}`).toString('base64'),
  Buffer.from(CANARY).toString('base64').replace(/=+$/, ''),
];

let basic: TestRegistry;
let token: TestRegistry;
let tls: TestRegistry;
const started: TestRegistry[] = [];

before(async () => {
  if (skip) return;
  const users = { [CANARY_USER]: CANARY };
  [basic, token, tls] = await Promise.all([
    startDockerRegistry({ auth: 'basic', users }),
    startDockerRegistry({ auth: 'token', users }),
    startDockerRegistry({ tls: true }),
  ]);
  started.push(basic, token, tls);
});
after(async () => {
  await Promise.all(started.map((r) => r.stop()));
});

const outputs: { what: string; r: CliResult }[] = [];
/** Runs imgcompat and keeps its output for the canary check at the end. */
async function run(
  what: string,
  argv: string[],
  opts: { stdin?: string; env?: Record<string, string> } = {},
) {
  const r = await imgcompat(argv, opts);
  outputs.push({ what, r });
  return r;
}

function withCreds(reg: TestRegistry, user: string, password: string) {
  return {
    flags: [...cliTransportFlags(reg), '--registry-username', user, '--registry-password-stdin'],
    stdin: password,
  };
}

function basicAuth(user: string, password: string): string {
  return Buffer.from(`${user}:${password}`).toString('base64');
}

describe('registry authentication', { skip }, () => {
  test('Basic auth: NFD flags work; anonymous and wrong credentials fail with exit 4 naming the registry', async () => {
    const img = await pushImage(basic, 'auth/basic', 'v1');
    const spec = validSpec('basic auth');
    const ok = access(basic);
    assertExit(
      await run('basic attach', ['attach', img.ref, writeSpec(spec), ...ok.flags], { stdin: ok.stdin }),
      0,
      'attach',
    );
    const g = await run('basic get', ['get', img.ref, ...ok.flags], { stdin: ok.stdin });
    assertExit(g, 0, 'get');
    assert.equal(g.out.trimEnd(), spec.trimEnd());

    const anon = await run('basic anonymous get', ['get', img.ref, ...cliTransportFlags(basic)]);
    assertCleanFailure(anon, 4, 'anonymous get on a Basic-auth registry', literal(basic.host));

    const wrong = withCreds(basic, 'alice', CANARY);
    const w = await run('basic wrong password', ['get', img.ref, ...wrong.flags, '--verbose'], {
      stdin: wrong.stdin,
    });
    assertCleanFailure(w, 4, 'wrong password', literal(basic.host), /credentials/i, /reject/i);
  });

  test('Bearer token auth: anonymous pull token reads; push needs a user; wrong credentials are rejected', async () => {
    const img = await pushImage(token, 'auth/token', 'v1');
    const spec = validSpec('token auth');
    const ok = access(token);
    const a = await run('token attach', ['attach', img.ref, writeSpec(spec), ...ok.flags, '--verbose'], {
      stdin: ok.stdin,
    });
    assertExit(a, 0, 'attach with a user token');
    const anon = await run('token anonymous get', ['get', img.ref, ...cliTransportFlags(token)]);
    assertExit(anon, 0, 'anonymous get (anonymous pull token)');
    assert.equal(anon.out.trimEnd(), spec.trimEnd());

    const anonAttach = await run('token anonymous attach', [
      'attach',
      img.ref,
      writeSpec(spec),
      ...cliTransportFlags(token),
    ]);
    assertCleanFailure(anonAttach, 4, 'anonymous attach (pull-only token)', literal(token.host));

    const wrong = withCreds(token, 'alice', CANARY);
    const w = await run('token wrong password', ['get', img.ref, ...wrong.flags, '--verbose'], {
      stdin: wrong.stdin,
    });
    assertCleanFailure(
      w,
      4,
      'wrong password (token server says 401)',
      literal(token.host),
      /credentials/i,
      /reject/i,
    );

    const canary = withCreds(token, CANARY_USER, CANARY);
    const c = await run('token canary get', ['get', img.ref, ...canary.flags, '--verbose'], {
      stdin: canary.stdin,
    });
    assertExit(c, 0, 'get as the canary user');
    assert.doesNotMatch(c.out + c.err, /eyJ[\w-]+\.eyJ[\w-]+\./, 'no bearer token (JWT) in the output');
  });

  test('--registry-token-stdin sends a static bearer token', async () => {
    const img = await pushImage(token, 'auth/static-token', 'v1');
    const spec = validSpec('static token');
    const ok = access(token);
    assertExit(
      await run('static attach', ['attach', img.ref, writeSpec(spec), ...ok.flags], { stdin: ok.stdin }),
      0,
      'attach',
    );
    const url = `${token.tokenServer!.realm}?service=imgcompat-e2e-registry&scope=repository:auth/static-token:pull`;
    const res = await fetch(url, { headers: { authorization: `Basic ${basicAuth(CANARY_USER, CANARY)}` } });
    const tok = ((await res.json()) as { token: string }).token;
    const g = await run(
      'static get',
      ['get', img.ref, ...cliTransportFlags(token), '--registry-token-stdin', '--verbose'],
      {
        stdin: tok,
      },
    );
    assertExit(g, 0, 'get with a static token');
    assert.equal(g.out.trimEnd(), spec.trimEnd());
    assert.ok(!(g.out + g.err).includes(tok), 'the static token is not printed');
  });

  test('credentials from docker config.json and containers auth.json', async () => {
    const img = await pushImage(basic, 'auth/config', 'v1');
    const spec = validSpec('config file credentials');
    const ok = access(basic);
    assertExit(
      await run('config attach', ['attach', img.ref, writeSpec(spec), ...ok.flags], { stdin: ok.stdin }),
      0,
      'attach',
    );

    const env = isolatedEnv();
    writeFileSync(
      join(env.DOCKER_CONFIG!, 'config.json'),
      JSON.stringify({ auths: { [basic.host]: { auth: basicAuth(CANARY_USER, CANARY) } } }),
    );
    const g = await run('docker config get', ['get', img.ref, ...cliTransportFlags(basic), '--verbose'], {
      env,
    });
    assertExit(g, 0, 'get with docker config.json credentials');
    assert.equal(g.out.trimEnd(), spec.trimEnd());

    const env2 = isolatedEnv();
    const authFile = join(env2.HOME!, 'auth.json');
    writeFileSync(
      authFile,
      JSON.stringify({ auths: { [basic.host]: { auth: basicAuth(CANARY_USER, CANARY) } } }),
    );
    const g2 = await run('auth.json get', ['get', img.ref, ...cliTransportFlags(basic)], {
      env: { ...env2, REGISTRY_AUTH_FILE: authFile },
    });
    assertExit(g2, 0, 'get with REGISTRY_AUTH_FILE credentials');

    const env3 = isolatedEnv();
    writeFileSync(
      join(env3.DOCKER_CONFIG!, 'config.json'),
      JSON.stringify({ auths: { [basic.host]: { auth: basicAuth('alice', CANARY) } } }),
    );
    const bad = await run('docker config wrong', ['get', img.ref, ...cliTransportFlags(basic), '--verbose'], {
      env: env3,
    });
    assertCleanFailure(bad, 4, 'wrong password in config.json', literal(basic.host), /credentials/i);
  });

  test('imgcompat login writes docker config.json; logout removes the entry', async () => {
    const img = await pushImage(basic, 'auth/login', 'v1');
    const spec = validSpec('login');
    const ok = access(basic);
    assertExit(
      await run('login attach', ['attach', img.ref, writeSpec(spec), ...ok.flags], { stdin: ok.stdin }),
      0,
      'attach',
    );
    const env = isolatedEnv();
    // docker's spelling: login HOST --username U --password-stdin
    const loginFlags = (user: string) => [
      ...cliTransportFlags(basic),
      '--username',
      user,
      '--password-stdin',
    ];
    const li = await run('login', ['login', basic.host, ...loginFlags(CANARY_USER)], { env, stdin: CANARY });
    assertExit(li, 0, 'login');
    const config = JSON.parse(readFileSync(join(env.DOCKER_CONFIG!, 'config.json'), 'utf8')) as {
      auths: Record<string, { auth?: string }>;
    };
    assert.equal(config.auths[basic.host]?.auth, basicAuth(CANARY_USER, CANARY), 'stored as docker does');
    const g = await run('get after login', ['get', img.ref, ...cliTransportFlags(basic)], { env });
    assertExit(g, 0, 'get after login');

    const badEnv = isolatedEnv();
    const bad = await run('login wrong', ['login', basic.host, ...loginFlags(CANARY_USER)], {
      env: badEnv,
      stdin: 'not-the-password',
    });
    assertCleanFailure(bad, 4, 'login with a wrong password', literal(basic.host));

    assertExit(await run('logout', ['logout', basic.host], { env }), 0, 'logout');
    const after = JSON.parse(readFileSync(join(env.DOCKER_CONFIG!, 'config.json'), 'utf8')) as {
      auths?: Record<string, unknown>;
    };
    assert.equal(after.auths?.[basic.host], undefined);
    const g2 = await run('get after logout', ['get', img.ref, ...cliTransportFlags(basic)], { env });
    assertCleanFailure(g2, 4, 'get after logout');
  });

  test('the canary password appears in no output of any run above', () => {
    assert.ok(outputs.length >= 5, 'the runs above happened');
    for (const { what, r } of outputs) {
      for (const form of CANARY_FORMS) {
        assert.ok(
          !r.out.includes(form) && !r.err.includes(form),
          `${what}: credential printed\n${r.out}\n${r.err}`,
        );
      }
    }
  });
});

describe('TLS with a private CA', { skip }, () => {
  test('--ca-file trusts the CA; without it the certificate is refused; --insecure skips verification', async () => {
    const img = await pushImage(tls, 'tls/app', 'v1');
    const spec = validSpec('over tls');
    const ca = ['--ca-file', tls.tls!.caCert];
    assertExit(await imgcompat(['attach', img.ref, writeSpec(spec), ...ca]), 0, 'attach --ca-file');
    const g = await imgcompat(['get', img.ref, ...ca]);
    assertExit(g, 0, 'get --ca-file');
    assert.equal(g.out.trimEnd(), spec.trimEnd());

    const noCa = await imgcompat(['get', img.ref]);
    assertCleanFailure(noCa, 4, 'get without the CA', literal(tls.host), /certificate|tls|x509|self.signed/i);

    const insecure = await imgcompat(['get', img.ref, '--insecure']);
    assertExit(insecure, 0, 'get --insecure');
    assert.equal(insecure.out.trimEnd(), spec.trimEnd());
  });
});
