/**
 * `login`/`logout` storage, as docker does: with `credHelpers[host]` or `credsStore` the helper stores
 * the secret; otherwise `auths[<key>] = {"auth": base64(user:password)}` in `$DOCKER_CONFIG/config.json`
 * (else `~/.docker/config.json`; or the file given with --registry-config), every other field of the file preserved, mode 0600.
 */
import { UsageError } from '../../errors.ts';
import { isRegistryHost } from '../reference.ts';
import { helperErase, helperStore } from './cred-helpers.ts';
import {
  configKey,
  dockerConfigPath,
  findKey,
  keyHost,
  readConfigFile,
  writeConfigFile,
} from './docker-config.ts';

type Env = Record<string, string | undefined>;

/** `https://host:5000/v2/` → `host:5000`; `index.docker.io`/`registry-1.docker.io` → `docker.io`. */
export function normaliseRegistryArgument(arg: string): string {
  const host = keyHost(arg.trim()).toLowerCase();
  // `user:password@host` must not become a config key, a URL or part of a message: refuse it without
  // echoing it (credentials never in output).
  if (host && !isRegistryHost(host)) {
    throw new UsageError(
      host.includes('@')
        ? 'the registry argument must be a host[:port]; credentials never go in it (use --username and --password-stdin)'
        : `the registry argument "${host}" is not a host[:port]`,
    );
  }
  if (host === 'index.docker.io' || host === 'registry-1.docker.io') return 'docker.io';
  return host;
}

export async function saveLogin(
  registry: string,
  username: string,
  password: string,
  env: Env,
  configFile?: string,
): Promise<{ path: string; helper?: string }> {
  const path = configFile ?? dockerConfigPath(env);
  const cfg = (await readConfigFile(path)) ?? {};
  const key = configKey(registry, 'docker');
  const helper = cfg.credHelpers?.[key] ?? cfg.credHelpers?.[registry] ?? cfg.credsStore;
  if (helper) {
    await helperStore(helper, key, { username, secret: password }, env);
    // docker leaves no secret in the file; drop a stale inline entry for the same host.
    if (cfg.auths?.[key]) {
      delete cfg.auths[key];
      await writeConfigFile(path, cfg);
    }
    return { path, helper };
  }
  cfg.auths ??= {};
  cfg.auths[key] = { auth: Buffer.from(`${username}:${password}`, 'utf8').toString('base64') };
  await writeConfigFile(path, cfg);
  return { path };
}

/** Removes the registry's credentials; false when there were none. */
export async function removeLogin(registry: string, env: Env, configFile?: string): Promise<boolean> {
  const path = configFile ?? dockerConfigPath(env);
  const cfg = await readConfigFile(path);
  if (!cfg) return false;
  const key = configKey(registry, 'docker');
  let removed = false;
  const helper = cfg.credHelpers?.[key] ?? cfg.credHelpers?.[registry] ?? cfg.credsStore;
  if (helper) {
    await helperErase(helper, key, env);
    removed = true;
  }
  for (
    let k = findKey(cfg.auths, registry, '', 'docker');
    k !== undefined;
    k = findKey(cfg.auths, registry, '', 'docker')
  ) {
    delete cfg.auths![k];
    removed = true;
  }
  if (removed) await writeConfigFile(path, cfg);
  return removed;
}
