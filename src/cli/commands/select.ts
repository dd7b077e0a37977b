/**
 * `imgcompat select --image A --image B ...`: which image variant suits this host best (core/report/
 * select.ts): every variant's newest compatibility artifact is fetched once, this host is discovered once
 * (as validate-node discovers it, or `--features FILE`), and the variant whose best passing set has the
 * highest weight is printed; ties go to the variant listed first. Exit 0 when a variant fits, 1 when none.
 */
import type { Features } from '../../core/model/features.ts';
import { validateNode } from '../../core/report/node-validator.ts';
import { type Selection, selectVariant, type VariantOutcome } from '../../core/report/select.ts';
import { UsageError } from '../../errors.ts';
import { toKubeYaml } from '../../k8s/kube-yaml.ts';
import { EXIT } from '../exit-codes.ts';
import type { CommandContext } from '../program.ts';
import type { RegistryFlags } from '../registry-options.ts';
import { hostFeatures, type LoadedSpec, specFromFile, specFromRegistry } from './validate-node.ts';

export type SelectFormat = 'table' | 'json' | 'yaml';

export interface SelectOptions extends RegistryFlags {
  image: string[];
  spec: string[];
  features?: string;
  tags: string[];
  output: SelectFormat;
  hostRoot?: string;
  hostPrefix?: string;
  sources?: string;
  strict?: boolean;
}

/** --image (repeated) or --spec (repeated): the variants, in order. At least one, never both kinds. */
export function variantSources(opts: {
  image: string[];
  spec: string[];
}): { kind: 'image' | 'spec'; ref: string }[] {
  if (opts.image.length > 0 && opts.spec.length > 0) {
    throw new UsageError('give the variants either as --image or as --spec, not both');
  }
  if (opts.image.length === 0 && opts.spec.length === 0) {
    throw new UsageError('at least one --image (repeat it for each variant) or --spec is required');
  }
  const dup = [...opts.image, ...opts.spec].find((x, i, all) => all.indexOf(x) !== i);
  if (dup !== undefined) throw new UsageError(`variant ${dup} is given twice`);
  return opts.image.length > 0
    ? opts.image.map((ref) => ({ kind: 'image', ref }))
    : opts.spec.map((ref) => ({ kind: 'spec', ref }));
}

export function describeOutcome(o: VariantOutcome): string {
  if (o.error !== undefined) return `error: ${o.error}`;
  if (!o.set) return 'no set passes';
  return `set #${o.set.index}${o.set.tag ? ` ${o.set.tag}` : ''}, weight ${o.set.weight}`;
}

/** Plain aligned columns: IMAGE, FITS, BEST SET; then the choice. */
export function renderSelection(sel: Selection): string {
  const header = ['IMAGE', 'FITS', 'BEST SET'];
  const rows = sel.variants.map((v) => [
    v.image,
    v.fits ? 'yes' : 'no',
    v.fits ? describeOutcome(v) : v.error !== undefined ? describeOutcome(v) : '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('   ')
      .trimEnd();
  const verdict = sel.chosen
    ? `selected: ${sel.chosen.image} (${describeOutcome(sel.chosen)})`
    : 'selected: none (no variant fits)';
  return `${[line(header), ...rows.map(line)].join('\n')}\n\n${verdict}\n`;
}

/** The JSON/YAML document: the choice (null when none) and every variant. */
export function selectionDocument(sel: Selection): Record<string, unknown> {
  return { selected: sel.chosen?.image ?? null, variants: sel.variants };
}

export async function run(opts: SelectOptions, ctx: CommandContext): Promise<number> {
  const sources = variantSources(opts);
  if (
    opts.features !== undefined &&
    (opts.hostRoot !== undefined || opts.hostPrefix !== undefined || opts.sources !== undefined)
  ) {
    throw new UsageError(
      '--features replaces discovery; it cannot be combined with --host-root, --host-prefix or --sources',
    );
  }
  // Every spec before discovery: a missing artifact or bad spec needs no host scan.
  const loaded: LoadedSpec[] = [];
  for (const s of sources) {
    loaded.push(
      s.kind === 'image' ? await specFromRegistry(opts, ctx, s.ref) : await specFromFile(ctx.io, s.ref),
    );
  }
  const { image: _image, spec: _spec, ...hostOpts } = opts;
  const features: Features = await hostFeatures(hostOpts, ctx);
  const sel = selectVariant(
    loaded.map((l, i) => ({
      image: sources[i]!.ref,
      report: validateNode(l.spec, features, { tags: opts.tags }),
    })),
  );
  if (opts.output === 'table') ctx.io.stdout.write(renderSelection(sel));
  else if (opts.output === 'yaml') ctx.io.stdout.write(toKubeYaml(selectionDocument(sel)));
  else ctx.io.stdout.write(`${JSON.stringify(selectionDocument(sel), null, 2)}\n`);
  return sel.chosen ? EXIT.ok : EXIT.incompatible;
}
