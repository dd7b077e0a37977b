/**
 * The real `oras` CLI (v1.3.6), the reference client of the seed workflow: attach, discover and pull,
 * run against the test registries so imgcompat's artifacts are checked against an independent client.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { tempDir } from './proc.ts';
import type { TestRegistry } from './registries.ts';
import { type ExecResult, exec, mustTool } from './tools.ts';

export const ARTIFACT_TYPE = 'application/vnd.nfd.image-compatibility.v1alpha1';
export const SPEC_MEDIA_TYPE = 'application/vnd.nfd.image-compatibility.spec.v1alpha1+yaml';

function orasFlags(reg: TestRegistry): { flags: string[]; input?: string } {
  const flags: string[] = [];
  if (reg.scheme === 'http') flags.push('--plain-http');
  else if (reg.tls) flags.push('--ca-file', reg.tls.caCert);
  if (reg.credentials) {
    flags.push('--username', reg.credentials.username, '--password-stdin');
    return { flags, input: reg.credentials.password };
  }
  return { flags };
}

/** An environment in which oras reads no credentials of the machine's user. */
function orasEnv(): NodeJS.ProcessEnv {
  const home = tempDir('imgcompat-e2e-oras-home-');
  mkdirSync(join(home, '.docker'), { recursive: true });
  return { ...process.env, HOME: home, DOCKER_CONFIG: join(home, '.docker') };
}

async function oras(reg: TestRegistry, args: string[], cwd?: string): Promise<ExecResult> {
  const { flags, input } = orasFlags(reg);
  return orasRaw([...args, ...flags], { cwd, input });
}

/** Runs oras with exactly these arguments (e.g. `--oci-layout` ones); throws on a non-zero exit. */
export async function orasRaw(
  args: string[],
  opts: { cwd?: string; input?: string } = {},
): Promise<ExecResult> {
  const r = await exec(mustTool('oras'), args, { env: orasEnv(), cwd: opts.cwd, input: opts.input });
  if (r.code !== 0) throw new Error(`oras ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

/**
 * `oras attach --artifact-type <NFD type> REF spec.yaml:<spec media type>`, the seed workflow's attach.
 * Returns the artifact manifest's digest.
 */
export async function orasAttach(
  reg: TestRegistry,
  ref: string,
  specFile: string,
  opts: { annotations?: Record<string, string>; artifactType?: string; mediaType?: string } = {},
): Promise<string> {
  const args = ['attach', '--artifact-type', opts.artifactType ?? ARTIFACT_TYPE, '--format', 'json'];
  for (const [k, v] of Object.entries(opts.annotations ?? {})) args.push('--annotation', `${k}=${v}`);
  // oras refuses absolute paths (it records the path as the layer title): run from the file's folder.
  args.push(ref, `${basename(specFile)}:${opts.mediaType ?? SPEC_MEDIA_TYPE}`);
  const r = await oras(reg, args, dirname(specFile));
  const out = JSON.parse(r.stdout) as { digest?: string };
  if (!out.digest) throw new Error(`oras attach printed no digest: ${r.stdout}`);
  return out.digest;
}

export interface OrasReferrer {
  digest: string;
  artifactType?: string;
  mediaType: string;
  annotations?: Record<string, string>;
}

/** `oras discover --format json REF`: the direct referrers of REF (optionally filtered by type). */
export async function orasDiscover(
  reg: TestRegistry,
  ref: string,
  opts: { artifactType?: string } = {},
): Promise<OrasReferrer[]> {
  const args = ['discover', '--format', 'json'];
  if (opts.artifactType) args.push('--artifact-type', opts.artifactType);
  const r = await oras(reg, [...args, ref]);
  const out = JSON.parse(r.stdout) as { referrers?: OrasReferrer[]; manifests?: OrasReferrer[] };
  return out.referrers ?? out.manifests ?? [];
}

/** `oras pull -o DIR REPO@DIGEST`; returns the pulled files' contents keyed by file name. */
export async function orasPull(reg: TestRegistry, ref: string): Promise<Record<string, Buffer>> {
  const out = tempDir('imgcompat-e2e-oras-pull-');
  await oras(reg, ['pull', '--output', out, ref]);
  const files: Record<string, Buffer> = {};
  for (const name of readdirSync(out, { recursive: true, encoding: 'utf8' })) {
    try {
      files[name] = readFileSync(join(out, name));
    } catch {
      // a directory
    }
  }
  return files;
}
