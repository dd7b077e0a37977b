/**
 * `imgcompat export labels`: NFD's `nfd export labels` — the label map the worker would make from this
 * host (all label sources, no cpuid blacklist because NFD never calls SetConfig there; custom source
 * static rules only), as indented JSON with sorted keys.
 */

import { labelsJson } from '../../host/export-json.ts';
import { featureLabels, selectLabelSources } from '../../host/labels.ts';
import { EXIT } from '../exit-codes.ts';
import type { CommandContext } from '../program.ts';
import { discoverForExport, type ExportOptions, writeExport } from './export-features.ts';

export async function run(opts: ExportOptions, ctx: CommandContext): Promise<number> {
  const result = await discoverForExport(opts, ctx, ['custom']);
  // --sources also selects label sources (NFD's -label-sources syntax), where `custom` is a name too.
  const { labels, dropped } = featureLabels(result, selectLabelSources(opts.sources));
  for (const d of dropped) {
    ctx.io.stderr.write(`warning: label ${d.name}=${JSON.stringify(d.value)} dropped: ${d.reason}\n`);
  }
  await writeExport(labelsJson(labels), opts, ctx);
  return EXIT.ok;
}
