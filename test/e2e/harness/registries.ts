/**
 * Real registries for the end-to-end tests, each on 127.0.0.1 with an ephemeral port and temp storage:
 *
 * - `docker-registry` (Debian's distribution 2.8): no referrers API, so clients must use the
 *   `sha256-<hex>` tag schema (distribution v2.8a). Variants: anonymous, htpasswd Basic auth, Bearer token auth
 *   (with our token server), TLS with a throw-away CA.
 * - `ggcr`: go-containerregistry v0.22.1's registry (what `crane registry serve` runs) with its referrers
 *   API switched on (tools/referrers-registry; crane has no flag for it). Its referrers support is
 *   minimal (distribution v2.8e'): no artifactType filtering, each descriptor's `artifactType` is the
 *   manifest's config media type, and no `OCI-Subject` header on PUT. It stands in for olareg and zot,
 *   which the Go module proxy does not serve.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { makeSigningMaterial, makeTlsMaterial, type TlsMaterial } from './certs.ts';
import {
  answersHttp,
  freePort,
  removeTempDir,
  type Service,
  startService,
  tempDir,
  waitFor,
} from './proc.ts';
import { startTokenServer, type TokenServer } from './token-server.ts';
import { execOk, mustTool } from './tools.ts';

export type RegistryKind = 'docker-registry' | 'ggcr';

export interface Credentials {
  username: string;
  password: string;
}

export interface TestRegistry {
  kind: RegistryKind;
  /** A label for test names: `docker-registry`, `docker-registry+basic`, `ggcr`, ... */
  label: string;
  /** `127.0.0.1:PORT`, the registry part of image references. */
  host: string;
  scheme: 'http' | 'https';
  /** Whether the registry serves `GET /v2/<name>/referrers/<digest>`. */
  referrersApi: boolean;
  /** A user that may pull and push, when the registry requires authentication. */
  credentials?: Credentials;
  tokenServer?: TokenServer;
  tls?: TlsMaterial;
  /** Scratch directory owned by this registry (configs, keys). */
  dir: string;
  stop(): Promise<void>;
  /** Everything the registry process printed, for failure messages. */
  logs(): string;
}

/** Flags that make imgcompat reach this registry (before any credentials). */
export function cliTransportFlags(reg: { scheme: 'http' | 'https'; tls?: TlsMaterial }): string[] {
  if (reg.scheme === 'http') return ['--plain-http'];
  return reg.tls ? ['--ca-file', reg.tls.caCert] : [];
}

export interface DockerRegistryOptions {
  auth?: 'none' | 'basic' | 'token';
  tls?: boolean;
  /** Extra users (besides the default pusher) for auth variants. */
  users?: Record<string, string>;
  /** Ports to try in order instead of ephemeral ones (the first that binds is used). */
  ports?: number[];
}

const DEFAULT_USER: Credentials = { username: 'alice', password: 'alice-secret-pw' };

function yamlString(s: string): string {
  return JSON.stringify(s);
}

async function httpsAnswers(url: string, ca: string): Promise<boolean> {
  return new Promise((resolvePromise, reject) => {
    const req = httpsRequest(url, { ca, timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolvePromise(true));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

export async function startDockerRegistry(opts: DockerRegistryOptions = {}): Promise<TestRegistry> {
  const bin = mustTool('docker-registry');
  const auth = opts.auth ?? 'none';
  const dir = tempDir('imgcompat-e2e-distribution-');
  const storage = join(dir, 'storage');
  mkdirSync(storage);
  const users: Record<string, string> = { [DEFAULT_USER.username]: DEFAULT_USER.password, ...opts.users };

  let authYaml = '';
  let tokenServer: TokenServer | undefined;
  if (auth === 'basic') {
    const htpasswd = mustTool('htpasswd');
    const file = join(dir, 'htpasswd');
    writeFileSync(file, '');
    for (const [u, p] of Object.entries(users)) {
      // -B: bcrypt, the only hash distribution's htpasswd backend accepts; -i: password on stdin.
      await execOk(htpasswd, ['-B', '-i', file, u], { input: p });
    }
    authYaml = `auth:\n  htpasswd:\n    realm: imgcompat-e2e\n    path: ${yamlString(file)}\n`;
  } else if (auth === 'token') {
    const signing = await makeSigningMaterial(dir);
    tokenServer = await startTokenServer({
      service: 'imgcompat-e2e-registry',
      issuer: 'imgcompat-e2e-token-issuer',
      signing,
      users: Object.fromEntries(Object.entries(users).map(([u, p]) => [u, { password: p }])),
    });
    authYaml =
      `auth:\n  token:\n    realm: ${yamlString(tokenServer.realm)}\n    service: imgcompat-e2e-registry\n` +
      `    issuer: imgcompat-e2e-token-issuer\n    rootcertbundle: ${yamlString(signing.certFile)}\n`;
  }
  const tls = opts.tls ? await makeTlsMaterial(dir) : undefined;

  let lastService: Service | undefined;
  const attempts = opts.ports?.length ?? 5;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = opts.ports ? opts.ports[attempt]! : await freePort();
    const host = `127.0.0.1:${port}`;
    const config = join(dir, 'config.yml');
    writeFileSync(
      config,
      'version: 0.1\n' +
        'log:\n  level: warn\n  accesslog:\n    disabled: true\n' +
        `storage:\n  filesystem:\n    rootdirectory: ${yamlString(storage)}\n  delete:\n    enabled: true\n` +
        `http:\n  addr: ${host}\n  secret: imgcompat-e2e-${port}\n` +
        (tls
          ? `  tls:\n    certificate: ${yamlString(tls.serverCert)}\n    key: ${yamlString(tls.serverKey)}\n`
          : '') +
        authYaml,
    );
    const service = startService(bin, ['serve', config]);
    lastService = service;
    const scheme = tls ? 'https' : 'http';
    try {
      await waitFor(
        async () => {
          if (service.child.exitCode !== null) throw new Error(`exited: ${service.output()}`);
          return tls ? httpsAnswers(`https://${host}/v2/`, tls.caPem) : answersHttp(`http://${host}/v2/`);
        },
        () => `docker-registry on ${host}: ${service.output()}`,
        15_000,
      );
    } catch (e) {
      await service.stop();
      // Another process took the port between freePort() and the bind: try another one.
      if (/address already in use/.test(service.output())) continue;
      throw e;
    }
    const label = `docker-registry${auth === 'none' ? '' : `+${auth}`}${tls ? '+tls' : ''}`;
    return {
      kind: 'docker-registry',
      label,
      host,
      scheme,
      referrersApi: false,
      credentials: auth === 'none' ? undefined : DEFAULT_USER,
      tokenServer,
      tls,
      dir,
      logs: () => service.output(),
      stop: async () => {
        await service.stop();
        await tokenServer?.close();
        removeTempDir(dir);
      },
    };
  }
  throw new Error(`docker-registry did not start: ${lastService?.output() ?? ''}`);
}

/** go-containerregistry's registry with referrers on, on an ephemeral port (prints `serving on port N`). */
export async function startGgcrRegistry(): Promise<TestRegistry> {
  const bin = mustTool('imgcompat-ggcr-registry');
  const dir = tempDir('imgcompat-e2e-ggcr-');
  const service = startService(bin, ['--address', '127.0.0.1:0']);
  let port = 0;
  await waitFor(
    async () => {
      if (service.child.exitCode !== null) throw new Error(`exited: ${service.output()}`);
      const m = /serving on port (\d+)/.exec(service.output());
      if (!m) return false;
      port = Number(m[1]);
      return answersHttp(`http://127.0.0.1:${port}/v2/`);
    },
    () => `imgcompat-ggcr-registry: ${service.output()}`,
  );
  return {
    kind: 'ggcr',
    label: 'ggcr',
    host: `127.0.0.1:${port}`,
    scheme: 'http',
    referrersApi: true,
    dir,
    logs: () => service.output(),
    stop: async () => {
      await service.stop();
      removeTempDir(dir);
    },
  };
}

/**
 * The two registries most end-to-end files run against (docker-registry: the tag-schema fallback; ggcr:
 * the referrers API), started once in the calling file's `before` and stopped in its `after`. Call at a
 * test file's top level; the returned map is filled when the file's tests run.
 */
export function useBothRegistries(skip: string | undefined): Partial<Record<RegistryKind, TestRegistry>> {
  const registries: Partial<Record<RegistryKind, TestRegistry>> = {};
  before(async () => {
    if (skip) return;
    const [dist, ggcr] = await Promise.all([startDockerRegistry(), startGgcrRegistry()]);
    registries['docker-registry'] = dist;
    registries.ggcr = ggcr;
  });
  after(async () => {
    await Promise.all(Object.values(registries).map((r) => r.stop()));
  });
  return registries;
}
