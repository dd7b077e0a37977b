/**
 * Where credentials come from, in order: NFD's flags (`--registry-username` + `--registry-password-stdin`,
 * or `--registry-token-stdin`), then the credential files of docker-config.ts (for each file:
 * `credHelpers[host]`, else `credsStore`, else the `auths` entry). The first source that has something
 * for the registry wins. The `source` field is shown by --verbose; secrets never are.
 */
import { helperGet } from './cred-helpers.ts';
import { configKey, credentialFiles, decodeEntry, findKey, readConfigFile } from './docker-config.ts';

export interface Credential {
  username?: string;
  password?: string;
  /** OAuth2 refresh token (docker's `identitytoken`, or a helper answering Username `<token>`). */
  identityToken?: string;
  /** A bearer token sent as is (NFD's --registry-token-stdin, docker's `registrytoken`). */
  registryToken?: string;
  /** Where it came from, for traces: a flag name, a file path or a helper name. */
  source: string;
}

export type CredentialLookup = (
  registry: string,
  repository: string,
  signal?: AbortSignal,
) => Promise<Credential | undefined>;

export interface FlagCredentials {
  username?: string;
  password?: string;
  token?: string;
}

type Env = Record<string, string | undefined>;

/** Builds the lookup the registry client uses. */
/** `configFile`: an explicit auth file (oras' --registry-config) read instead of the default ones. */
export function credentialLookup(
  env: Env,
  flags: FlagCredentials = {},
  configFile?: string,
): CredentialLookup {
  return async (registry, repository, signal) => {
    // NFD: username is used only together with a password; the token only when they are not both set.
    if (flags.username !== undefined && flags.password !== undefined) {
      return { username: flags.username, password: flags.password, source: '--registry-username' };
    }
    if (flags.token !== undefined) return { registryToken: flags.token, source: '--registry-token-stdin' };
    return fromFiles(registry, repository, env, signal, configFile);
  };
}

export async function fromFiles(
  registry: string,
  repository: string,
  env: Env,
  signal?: AbortSignal,
  configFile?: string,
): Promise<Credential | undefined> {
  for (const loc of credentialFiles(env, configFile)) {
    const cfg = await readConfigFile(loc.path);
    if (!cfg) continue;
    const helperKey = findKey(cfg.credHelpers, registry, repository, loc.style);
    const helper = helperKey ? cfg.credHelpers?.[helperKey] : cfg.credsStore;
    if (helper) {
      const got = await helperGet(helper, configKey(registry, 'docker'), env, signal);
      if (got) {
        if (got.username === '<token>')
          return { identityToken: got.secret, source: `docker-credential-${helper}` };
        return { username: got.username, password: got.secret, source: `docker-credential-${helper}` };
      }
    }
    const key = findKey(cfg.auths, registry, repository, loc.style);
    const entry = key ? cfg.auths?.[key] : undefined;
    if (entry) {
      const decoded = decodeEntry(entry, loc.path);
      if (decoded) return { ...decoded, source: loc.path };
    }
  }
  return undefined;
}
