/**
 * `imgcompat nfr generate`: one NodeFeatureRule per compatibility set (k8s/generate-nfr.ts), printed as
 * YAML documents or a JSON List, or applied to the cluster with server-side apply (`--apply`).
 */
import {
  escapeControlChars,
  InvalidInputError,
  MAX_PRINTED_DIAGNOSTICS,
  omittedDiagnostics,
} from '../../errors.ts';
import { generateNodeFeatureRules } from '../../k8s/generate-nfr.ts';
import type { KubeObject } from '../../k8s/kube-client.ts';
import { toKubeYamlStream } from '../../k8s/kube-yaml.ts';
import { EXIT } from '../exit-codes.ts';
import type { CommandContext } from '../program.ts';
import type { RegistryFlags } from '../registry-options.ts';
import { connect, type KubeFlags, type LoadedImageSpec, loadImageSpec, oneSource } from './cluster-common.ts';

export interface GenerateCommandOptions extends RegistryFlags, KubeFlags {
  image?: string;
  spec?: string;
  tags: string[];
  output: 'yaml' | 'json';
  apply?: boolean;
  /** `nfr generate --allow-partial`: generate even the rules nfd-master cannot evaluate as the spec means. */
  allowPartial?: boolean;
}

/**
 * The first MAX_PRINTED_DIAGNOSTICS messages, control characters escaped, then how many more (a spec
 * with 100,000 rules must not print 100,000 lines), as for the spec's own diagnostics (errors.ts).
 */
function cappedLines(messages: readonly string[], severity: 'error' | 'warning'): string[] {
  const shown = messages.slice(0, MAX_PRINTED_DIAGNOSTICS).map(escapeControlChars);
  const rest = omittedDiagnostics(messages.map((message) => ({ severity, message })));
  return rest ? [...shown, rest.summary] : shown;
}

/** Prints (or applies) generated objects; shared with `nfg generate`. */
export async function emitObjects(
  objects: readonly object[],
  warnings: readonly string[],
  loaded: LoadedImageSpec,
  opts: GenerateCommandOptions,
  ctx: CommandContext,
): Promise<number> {
  for (const line of cappedLines(warnings, 'warning')) ctx.io.stderr.write(`imgcompat: warning: ${line}\n`);
  if (objects.length === 0) {
    ctx.io.stderr.write(`imgcompat: no compatibility set selected in ${loaded.source}; nothing generated\n`);
    return EXIT.incompatible;
  }
  if (opts.apply) {
    const port = await connect(opts, ctx);
    for (const o of objects) {
      const applied = await port.apply(o as KubeObject);
      const ns = applied.metadata.namespace ? `${applied.metadata.namespace}/` : '';
      ctx.io.stdout.write(`${applied.kind} ${ns}${applied.metadata.name} applied\n`);
    }
    return EXIT.ok;
  }
  if (opts.output === 'json') {
    ctx.io.stdout.write(`${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2)}\n`);
  } else {
    ctx.io.stdout.write(toKubeYamlStream(objects));
  }
  return EXIT.ok;
}

export async function run(opts: GenerateCommandOptions, ctx: CommandContext): Promise<number> {
  oneSource(opts);
  const loaded = await loadImageSpec(opts, opts, ctx);
  const g = generateNodeFeatureRules(loaded.spec, {
    digest: loaded.specDigest,
    tags: opts.tags,
    ...(loaded.image ? { image: loaded.image } : {}),
    ...(loaded.artifact ? { artifact: loaded.artifact } : {}),
  });
  const inexpressible = g.inexpressible ?? [];
  if (inexpressible.length > 0 && !opts.allowPartial) {
    throw new InvalidInputError(
      `${loaded.source}: NFD cannot express ${inexpressible.length === 1 ? 'this rule' : 'these rules'} as NodeFeatureRules that nfd-master evaluates as \`cluster validate\` does (--allow-partial generates them anyway):\n${cappedLines(
        inexpressible,
        'error',
      )
        .map((m) => `  ${m}`)
        .join('\n')}`,
      [],
      'E_NFR_INEXPRESSIBLE',
    );
  }
  const warnings = [...inexpressible.map((m) => `${m} (generated anyway: --allow-partial)`), ...g.warnings];
  return emitObjects(g.objects, warnings, loaded, opts, ctx);
}
