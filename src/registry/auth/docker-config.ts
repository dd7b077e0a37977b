/**
 * Credential files: docker's `config.json` (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`)
 * and the containers tools' `auth.json` (`$REGISTRY_AUTH_FILE`, `$XDG_RUNTIME_DIR/containers/auth.json`,
 * `${XDG_CONFIG_HOME:-~/.config}/containers/auth.json`). Same format: `auths`, `credsStore`,
 * `credHelpers` (docker/cli cli/config/configfile/file.go and docker-credential-helpers client/client.go). Key matching follows docker (exact key, then any key whose host part
 * equals the registry; Docker Hub is `https://index.docker.io/v1/`) and, for auth.json, containers/image
 * (`host/namespace/repo` keys, most specific first; Docker Hub is `docker.io`).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InvalidInputError } from '../../errors.ts';
import { readTextFile } from '../../file-handle.ts';

export const DOCKER_HUB_CONFIG_KEY = 'https://index.docker.io/v1/';

export interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
  email?: string;
}

export interface ConfigFile {
  auths?: Record<string, AuthEntry>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [key: string]: unknown;
}

export type ConfigStyle = 'docker' | 'containers';

export interface ConfigLocation {
  path: string;
  style: ConfigStyle;
}

type Env = Record<string, string | undefined>;

export function dockerConfigPath(env: Env): string {
  if (env.DOCKER_CONFIG) return join(env.DOCKER_CONFIG, 'config.json');
  return join(env.HOME ?? '/', '.docker', 'config.json');
}

/**
 * Files searched for credentials, in order. An explicit `REGISTRY_AUTH_FILE` comes first (the user
 * named it); then docker's file (what oras and NFD users have); then the containers locations.
 */
export function credentialFiles(env: Env, configFile?: string): ConfigLocation[] {
  // An explicit auth file (oras' --registry-config) is the only one read, as oras does.
  if (configFile !== undefined) return [{ path: configFile, style: 'docker' }];
  const out: ConfigLocation[] = [];
  if (env.REGISTRY_AUTH_FILE) out.push({ path: env.REGISTRY_AUTH_FILE, style: 'containers' });
  out.push({ path: dockerConfigPath(env), style: 'docker' });
  if (env.XDG_RUNTIME_DIR)
    out.push({ path: join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json'), style: 'containers' });
  const configHome = env.XDG_CONFIG_HOME ?? (env.HOME ? join(env.HOME, '.config') : undefined);
  if (configHome) out.push({ path: join(configHome, 'containers', 'auth.json'), style: 'containers' });
  return out;
}

export async function readConfigFile(path: string): Promise<ConfigFile | undefined> {
  let text: string;
  try {
    text = await readTextFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new InvalidInputError(`${path}: cannot read credentials file (${code ?? e})`);
  }
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Never echo the parser's message: V8 quotes a snippet of the text around the error, and in a
    // credentials file that snippet is a password or token (credentials never in any output).
    throw new InvalidInputError(`${path}: not valid JSON${jsonErrorPosition(text)}`);
  }
  if (!isPlainObject(parsed)) {
    throw new InvalidInputError(`${path}: expected a JSON object`);
  }
  // The fields we use must have docker's shapes, or a hand-edited file would end in a TypeError.
  const bad = (field: string, want: string) => new InvalidInputError(`${path}: "${field}" must be ${want}`);
  if (parsed.auths !== undefined) {
    if (!isPlainObject(parsed.auths)) throw bad('auths', 'an object');
    for (const [k, v] of Object.entries(parsed.auths)) {
      if (!isPlainObject(v)) throw bad(`auths.${k}`, 'an object');
      for (const f of ['auth', 'username', 'password', 'identitytoken', 'registrytoken'] as const) {
        if (v[f] !== undefined && typeof v[f] !== 'string') throw bad(`auths.${k}.${f}`, 'a string');
      }
    }
  }
  if (parsed.credHelpers !== undefined) {
    if (!isPlainObject(parsed.credHelpers)) throw bad('credHelpers', 'an object');
    for (const [k, v] of Object.entries(parsed.credHelpers)) {
      if (typeof v !== 'string') throw bad(`credHelpers.${k}`, 'a string');
    }
  }
  if (parsed.credsStore !== undefined && typeof parsed.credsStore !== 'string') {
    throw bad('credsStore', 'a string');
  }
  return parsed as ConfigFile;
}

/**
 * ` at line L, column C` of the first JSON syntax error, found without using the parser's message (which
 * may quote the text): the shortest prefix that fails for a reason other than running out of input ends
 * at the offending character.
 */
function jsonErrorPosition(text: string): string {
  const bad = (n: number): boolean => {
    try {
      JSON.parse(text.slice(0, n));
      return false;
    } catch (e) {
      const msg = e instanceof Error ? e.message : '';
      if (/end of JSON input|Unterminated string/.test(msg)) return false;
      const at = /at position (\d+)/.exec(msg);
      return !(at && Number(at[1]) >= n);
    }
  };
  if (!bad(text.length)) return '';
  let lo = 0;
  let hi = text.length; // bad(hi) holds; find the smallest such length
  while (lo + 1 < hi) {
    const mid = (lo + hi) >> 1;
    if (bad(mid)) hi = mid;
    else lo = mid;
  }
  const before = text.slice(0, hi - 1);
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return ` at line ${line}, column ${column}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isDockerHub(registry: string): boolean {
  return registry === 'docker.io' || registry === 'index.docker.io' || registry === 'registry-1.docker.io';
}

/** The key docker writes for a registry (and passes to credential helpers). */
export function configKey(registry: string, style: ConfigStyle = 'docker'): string {
  if (isDockerHub(registry)) return style === 'docker' ? DOCKER_HUB_CONFIG_KEY : 'docker.io';
  return registry;
}

/** The host part of a config key: strips a scheme and any path (`https://host:5000/v1/` → `host:5000`). */
export function keyHost(key: string): string {
  let k = key.replace(/^[a-z]+:\/\//i, '');
  const slash = k.indexOf('/');
  if (slash >= 0) k = k.slice(0, slash);
  return k;
}

/** The entry key (in `map`) that applies to registry/repository, or undefined. */
export function findKey(
  map: Record<string, unknown> | undefined,
  registry: string,
  repository: string,
  style: ConfigStyle,
): string | undefined {
  if (!map) return undefined;
  const keys = Object.keys(map);
  if (style === 'containers') {
    // Most specific first: host/ns/repo, host/ns, host.
    const host = isDockerHub(registry) ? 'docker.io' : registry;
    const parts = repository.split('/');
    for (let n = parts.length; n >= 1; n--) {
      const k = `${host}/${parts.slice(0, n).join('/')}`;
      if (k in map) return k;
    }
    if (host in map) return host;
  }
  const exact = configKey(registry, 'docker');
  if (exact in map) return exact;
  if (registry in map) return registry;
  const hosts = isDockerHub(registry) ? ['docker.io', 'index.docker.io', 'registry-1.docker.io'] : [registry];
  return keys.find((k) => hosts.includes(keyHost(k)));
}

export interface DecodedEntry {
  username?: string;
  password?: string;
  identityToken?: string;
  registryToken?: string;
}

/** `auth` is base64("user:password"), split at the first colon; legacy username/password fields too. */
export function decodeEntry(entry: AuthEntry, path: string): DecodedEntry | undefined {
  const out: DecodedEntry = {};
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new InvalidInputError(`${path}: an "auth" value is not base64 of "user:password"`);
    out.username = decoded.slice(0, colon);
    out.password = decoded.slice(colon + 1);
  } else if (entry.username !== undefined && entry.password !== undefined) {
    out.username = entry.username;
    out.password = entry.password;
  }
  if (entry.identitytoken) out.identityToken = entry.identitytoken;
  if (entry.registrytoken) out.registryToken = entry.registrytoken;
  if (!out.password && !out.identityToken && !out.registryToken) return undefined;
  return out;
}

/** Writes a config file as docker does: pretty JSON, tab-indented, mode 0600, atomically. */
export async function writeConfigFile(path: string, config: ConfigFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  await writeFile(tmp, `${JSON.stringify(config, null, '\t')}\n`, { mode: 0o600 });
  await rename(tmp, path);
}
