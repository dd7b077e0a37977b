/**
 * `imgcompat validate-node`: NFD's `nfd compat validate-node` (NFD v0.19.0 pkg/client-nfd/compat/node-validator/node-validator.go) — fetch the image's
 * newest compatibility artifact, discover this host, evaluate, print the report — with NFD's flags and
 * output, and the fixes NFD lacks:
 * - the exit status is the verdict (0 compatible, 1 incompatible) instead of always 0;
 * - a failed referrers call is a registry error (exit 4), where NFD dereferences a nil spec and panics;
 * - the `local` source (features.d, e.g. GPU Feature Discovery output) is discovered, NFD skips it;
 * - `--spec` / `--features` run offline from files, `--host-root`/`--host-prefix` read a mounted host.
 */
import { loadFeatures, singleFeatures } from '../../core/load/load-features.ts';
import { loadSpec } from '../../core/load/load-spec.ts';
import { specTextOf } from '../../core/load/spec-text.ts';
import type { UnavailableFeature } from '../../core/match/explain.ts';
import { featuresRead } from '../../core/match/features-read.ts';
import type { Features } from '../../core/model/features.ts';
import type { Spec } from '../../core/model/spec.ts';
import { validateNodeExplained } from '../../core/report/explain.ts';
import { validateNode } from '../../core/report/node-validator.ts';
import { type Diagnostic, escapeControlChars, formatDiagnostics, UsageError } from '../../errors.ts';
import { withDeadline } from '../deadline.ts';
import type { Io } from '../io.ts';
import type { CommandContext } from '../program.ts';
import { withProgress } from '../progress.ts';
import { parseDuration, type RegistryFlags, registryOptions } from '../registry-options.ts';
import { printReport, type ReportFormat } from '../report-output.ts';
import { tierUpForLargeInput } from '../short-run.ts';
import { discoverForExport } from './export-features.ts';
import { readFlagFile } from './input-files.ts';

export interface ValidateNodeOptions extends RegistryFlags {
  image?: string;
  spec?: string;
  features?: string;
  tags: string[];
  output: ReportFormat;
  summary?: boolean;
  hostRoot?: string;
  hostPrefix?: string;
  sources?: string;
  strict?: boolean;
  /** The `nfd` drop-in: NFD's exact table output (see ReportOutputOptions.nfdExact). */
  nfdExact?: boolean;
  /** NFD's `--output-json`: its exact bytes (no trailing newline). */
  outputJson?: boolean;
  /** `--explain`: the host's values and the reason for each expression. */
  explain?: boolean;
  /** The OS this runs on (`process.platform` when absent; tests set it). */
  hostOs?: string;
}

/** NFD runs the whole command under a one-minute context (validate-node.go); so do we by default. */
const DEFAULT_TIMEOUT_MS = 60_000;

function warn(io: Io, diagnostics: readonly Diagnostic[]): void {
  for (const line of formatDiagnostics(diagnostics)) io.stderr.write(`imgcompat: ${line}\n`);
}

export interface LoadedSpec {
  spec: Spec;
  source: string;
  context: Record<string, unknown>;
}

export async function specFromRegistry(
  opts: RegistryFlags,
  ctx: CommandContext,
  image: string,
): Promise<LoadedSpec> {
  // The registry client (and node:tls, node:crypto under it) loads only when an image is named.
  const { fetchNewestSpec, formatReference, parseReference } = await import('../../registry/index.ts');
  const reference = parseReference(image);
  const timeoutMs =
    opts.timeout !== undefined ? parseDuration('--timeout', opts.timeout) : DEFAULT_TIMEOUT_MS;
  const ropts = await registryOptions({ ...opts, timeout: opts.timeout ?? `${timeoutMs}ms` }, ctx);
  const fetched = await withProgress(
    ctx.io,
    `fetching the compatibility artifact of ${formatReference(reference)}`,
    withDeadline(timeoutMs, `fetching the compatibility artifact of ${image}`, (signal) =>
      fetchNewestSpec(reference, { ...ropts, signal }),
    ),
  );
  for (const w of fetched.warnings ?? [])
    ctx.io.stderr.write(`imgcompat: warning: ${escapeControlChars(w)}\n`);
  const source = `${fetched.repository}@${fetched.descriptor.digest}`;
  if (opts.verbose) ctx.io.stderr.write(`imgcompat: using compatibility artifact ${source}\n`);
  tierUpForLargeInput(fetched.bytes.length);
  const { spec, warnings } = loadSpec(specTextOf(fetched.bytes, source), { file: source });
  warn(ctx.io, warnings);
  return {
    spec,
    source,
    context: { image, subject: fetched.subjectDigest, artifact: fetched.descriptor.digest },
  };
}

export async function specFromFile(io: Io, file: string): Promise<LoadedSpec> {
  const text = await readFlagFile(io.cwd, file, '--spec', io.readStdin);
  tierUpForLargeInput(text.length);
  const { spec, warnings } = loadSpec(text, { file });
  warn(io, warnings);
  return { spec, source: file, context: { spec: file } };
}

export async function hostFeatures(
  opts: Omit<ValidateNodeOptions, 'tags' | 'output' | 'image' | 'spec'>,
  ctx: CommandContext,
): Promise<Features> {
  return (await hostDiscovery(opts, ctx)).features;
}

/**
 * The features to evaluate, from `--features` or discovery, and (from discovery) the features the
 * host's files could not tell.
 */
export async function hostDiscovery(
  opts: Omit<ValidateNodeOptions, 'tags' | 'output' | 'image' | 'spec'>,
  ctx: CommandContext,
  reportUnavailable = false,
  /** Discover only these features (what the spec reads): see `DiscoverOptions.wanted`. */
  wanted?: ReadonlySet<string>,
): Promise<{ features: Features; unavailable: UnavailableFeature[] }> {
  if (opts.features !== undefined) {
    const text = await readFlagFile(ctx.io.cwd, opts.features, '--features', ctx.io.readStdin);
    tierUpForLargeInput(text.length);
    const loaded = loadFeatures(text, { file: opts.features });
    warn(ctx.io, loaded.warnings);
    return { features: singleFeatures(loaded, opts.features), unavailable: [] };
  }
  const result = await withProgress(
    ctx.io,
    'discovering host features',
    discoverForExport(
      {
        ...opts,
        ...(reportUnavailable ? { reportUnavailable: true } : {}),
        ...(wanted ? { wanted } : {}),
      },
      ctx,
    ),
  );
  return { features: result.features, unavailable: result.unavailable ?? [] };
}

/**
 * Discovery reads Linux's /proc and /sys; elsewhere it would report a host with almost no features,
 * and every rule would fail for want of data.
 */
function requireLinuxForDiscovery(opts: ValidateNodeOptions): void {
  const platform = opts.hostOs ?? process.platform;
  if (opts.features !== undefined || platform === 'linux') return;
  throw new UsageError(
    `validate-node discovers the features of a Linux host, and this is ${platform}: ` +
      'evaluate a saved features file with --features FILE (from `imgcompat export features` on the node), ' +
      'run the check on the node itself (`imgcompat job` prints a Kubernetes Job for it), or run it on a Linux host',
  );
}

export async function run(opts: ValidateNodeOptions, ctx: CommandContext): Promise<number> {
  if (opts.image === undefined && opts.spec === undefined) {
    throw new UsageError(
      'either --image (fetch the spec attached to an image) or --spec (a local spec file) is required',
    );
  }
  if (opts.image !== undefined && opts.spec !== undefined) {
    throw new UsageError('--image and --spec cannot be combined: the spec comes from one or the other');
  }
  if (
    opts.features !== undefined &&
    (opts.hostRoot !== undefined || opts.hostPrefix !== undefined || opts.sources !== undefined)
  ) {
    throw new UsageError(
      '--features replaces discovery; it cannot be combined with --host-root, --host-prefix or --sources',
    );
  }
  requireLinuxForDiscovery(opts);
  // Fetch and parse the spec before discovery: a missing artifact or bad spec needs no host scan.
  const loaded =
    opts.image !== undefined
      ? await specFromRegistry(opts, ctx, opts.image)
      : await specFromFile(ctx.io, opts.spec!);
  // Only what the kept sets read: NFD's validate-node discovers every source, but no other feature
  // can change the report (core/match/features-read.ts); the kernel config alone is ~10 ms.
  const { features, unavailable } = await hostDiscovery(
    opts,
    ctx,
    true,
    featuresRead(loaded.spec, opts.tags ?? []),
  );
  const vopts = { tags: opts.tags, source: opts.image ?? opts.spec };
  // The traces are needed for --explain, and to tell "undetermined" from "incompatible" when some
  // features could not be read.
  const explained =
    opts.explain || unavailable.length > 0
      ? validateNodeExplained(loaded.spec, features, { ...vopts, unavailable })
      : undefined;
  const report = explained?.report ?? validateNode(loaded.spec, features, vopts);
  return printReport(report, loaded.spec, ctx.io, {
    ...(explained ? { explained } : {}),
    explain: opts.explain === true,
    output: opts.output,
    summary: opts.summary === true,
    tags: opts.tags,
    specSource: loaded.source,
    context: loaded.context,
    nfdExact: opts.nfdExact === true,
    nfdJson: opts.outputJson === true,
  });
}
