/**
 * `--sources` with NFD's `-feature-sources` / `-label-sources` syntax (pkg/nfd-worker configureSources;
 * NFD v0.19.0 source/source.go): a comma-separated list where `all` is every source that is not supplemental
 * (so not `fake`), a name enables that source (even a supplemental one), and `-name` disables it.
 * As in NFD, disables are applied after every enable whatever their position, so `-pci` alone selects
 * nothing (write `all,-pci`), and unknown names are reported and ignored.
 */

export interface SelectableSource {
  name: string;
  disableByDefault: boolean;
}

export interface SourceSelection {
  /** Enabled source names in NFD's run order (sorted by name). */
  enabled: string[];
  /** Names in the list that match no source (NFD logs "skipping unknown source"). */
  unknown: string[];
}

/** NFD's default when the option is not given: `[all]`. */
export const DEFAULT_SOURCE_LIST = 'all';

export function parseSourceList(list: string | readonly string[] | undefined): string[] {
  const items = list === undefined ? [DEFAULT_SOURCE_LIST] : typeof list === 'string' ? [list] : list;
  return items
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function selectSources(
  list: string | readonly string[] | undefined,
  known: readonly SelectableSource[],
): SourceSelection {
  const byName = new Map(known.map((s) => [s.name, s]));
  const enabled = new Set<string>();
  const disabled: string[] = [];
  const unknown: string[] = [];
  for (const item of parseSourceList(list)) {
    if (item === 'all') {
      for (const s of known) if (!s.disableByDefault) enabled.add(s.name);
      continue;
    }
    const disable = item.startsWith('-');
    const name = disable ? item.slice(1) : item;
    if (!byName.has(name)) {
      unknown.push(item);
      continue;
    }
    if (disable) disabled.push(name);
    else enabled.add(name);
  }
  for (const name of disabled) enabled.delete(name);
  return { enabled: [...enabled].sort(), unknown };
}
