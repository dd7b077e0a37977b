/** `imgcompat discover IMAGE [--output table|json|tree]`: compatibility artifacts, newest first. */

import { escapeControlChars } from '../../errors.ts';
import {
  createdOf,
  type Descriptor,
  discoverArtifacts,
  formatReference,
  parseReference,
} from '../../registry/index.ts';
import {
  ANNOTATION_CREATED,
  ANNOTATION_CREATED_MISSPELT,
  COMPAT_ARTIFACT_TYPE,
} from '../../registry/media-types.ts';
import { safeRemoteText } from '../../registry/registry-errors.ts';
import { type FormatFlags, formatOf, writeFormatted } from '../format-option.ts';
import type { CommandContext } from '../program.ts';
import { type RegistryFlags, registryOptions } from '../registry-options.ts';

export interface DiscoverFlags extends RegistryFlags, FormatFlags {
  image: string;
  output?: 'table' | 'json' | 'tree';
}

function created(d: Descriptor): string {
  const a = d.annotations ?? {};
  const v = a[ANNOTATION_CREATED] ?? a[ANNOTATION_CREATED_MISSPELT];
  // An unparsable value is the registry's text: shown made safe (no terminal escape sequences).
  return v === undefined
    ? '-'
    : createdOf(d) === undefined
      ? `${safeRemoteText(String(v), 64)} (unparsable)`
      : v;
}

export async function run(opts: DiscoverFlags, ctx: CommandContext): Promise<number> {
  const reference = parseReference(opts.image);
  const format = formatOf(opts);
  const d = await discoverArtifacts(reference, await registryOptions(opts, ctx));
  for (const w of d.warnings) ctx.io.stderr.write(`imgcompat: warning: ${escapeControlChars(w)}\n`);
  const root = `${d.repository.name}@${d.subject.digest}`;
  const out = ctx.io.stdout;
  switch (format !== undefined ? 'json' : (opts.output ?? 'table')) {
    case 'json': {
      // The shape of `oras discover --format json`, one level deep.
      const node = {
        reference: root,
        mediaType: d.subject.mediaType,
        digest: d.subject.digest,
        size: d.subject.size,
        referrers: d.artifacts.map((a) => ({
          reference: `${d.repository.name}@${a.digest}`,
          mediaType: a.mediaType,
          digest: a.digest,
          size: a.size,
          ...(a.annotations ? { annotations: a.annotations } : {}),
          artifactType: a.artifactType ?? COMPAT_ARTIFACT_TYPE,
        })),
      };
      await writeFormatted(out, node, format ?? 'json');
      break;
    }
    case 'tree': {
      out.write(`${root}\n`);
      if (d.artifacts.length) {
        out.write(`└── ${COMPAT_ARTIFACT_TYPE}\n`);
        d.artifacts.forEach((a, i) => {
          const last = i === d.artifacts.length - 1;
          out.write(`    ${last ? '└── ' : '├── '}${a.digest}  ${created(a)}\n`);
        });
      }
      break;
    }
    default: {
      out.write(
        `Discovered ${d.artifacts.length} compatibility artifact(s) referencing ${formatReference(reference)}\n`,
      );
      out.write(`Digest: ${d.subject.digest}\n`);
      if (d.artifacts.length) {
        const rows = d.artifacts.map((a) => [a.digest, created(a), String(a.size)]);
        const head = ['DIGEST', 'CREATED', 'SIZE'];
        const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
        const line = (r: string[]) =>
          `${r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]!) : c)).join('  ')}\n`;
        out.write('\n');
        out.write(line(head));
        for (const r of rows) out.write(line(r));
      }
    }
  }
  return 0;
}
