/**
 * Loading a saved node feature set: an NFD `Features` document (the shape `nfd export features`
 * prints: `{flags, attributes, instances}`), a whole NodeFeature object (its `spec.features`), or a
 * NodeFeatureList (`items`). Read with the same Go-compatible decoder as specs, so `elements` values
 * written as YAML 1.1 numbers or booleans become the strings NFD would see.
 */
import { type Diagnostic, InvalidInputError } from '../../errors.ts';
import type { Features } from '../model/features.ts';
import { countSummary, hasErrors, sortDiagnostics } from './diagnostics.ts';
import { parseStrictJsonFeatures } from './features-json.ts';
import { decodeDocument, parseYaml, topLevelKeys, topLevelKind } from './go-yaml.ts';
import { Positions } from './positions.ts';
import { FEATURES, NODE_FEATURE, NODE_FEATURE_LIST, TYPE_META_ONLY } from './schema.ts';

export type FeaturesFormat = 'Features' | 'NodeFeature' | 'NodeFeatureList';

export interface FeaturesItem {
  /** The NodeFeature's `metadata.name` (by convention the node name), when the input had one. */
  name?: string;
  /** The NodeFeature's `nfd.node.kubernetes.io/node-name` label, when present. */
  nodeName?: string;
  features: Features;
}

export interface LoadedFeatures {
  format: FeaturesFormat;
  /** One item for `Features` and `NodeFeature`, one per object for a list. */
  items: FeaturesItem[];
  warnings: Diagnostic[];
  positions: Positions;
}

const EXPECTED =
  'expected an NFD Features document ({flags, attributes, instances}, as `nfd export features` prints), ' +
  'a NodeFeature object (kind: NodeFeature) or a NodeFeatureList';

const FEATURE_KEYS = new Set(['flags', 'attributes', 'instances']);

interface NodeFeatureValue {
  metadata?: { name?: string; labels?: Record<string, string> };
  spec?: { features?: Features };
}

function item(nf: NodeFeatureValue): FeaturesItem {
  const out: FeaturesItem = { features: nf.spec?.features ?? {} };
  if (nf.metadata?.name) out.name = nf.metadata.name;
  const nodeName = nf.metadata?.labels?.['nfd.node.kubernetes.io/node-name'];
  if (nodeName) out.nodeName = nodeName;
  return out;
}

/** Load features; throws `InvalidInputError` (with diagnostics) on anything else. */
export function loadFeatures(text: string, opts: { file?: string } = {}): LoadedFeatures {
  const { file } = opts;
  const strict = parseStrictJsonFeatures(text);
  if (strict) {
    const items =
      strict.format === 'Features'
        ? [{ features: strict.features }]
        : strict.format === 'NodeFeature'
          ? [item(strict.object)]
          : strict.objects.map(item);
    return { format: strict.format, items, warnings: [], positions: new Positions(file) };
  }
  const where = file === undefined ? {} : { position: { file, line: 1, column: 1 } };
  const parsed = parseYaml(text, file);
  const diagnostics = [...parsed.diagnostics];
  const fail = (message: string): never => {
    const all = sortDiagnostics(diagnostics);
    throw new InvalidInputError(`${file ?? 'features'}: ${message}`, all, 'E_FEATURES_INVALID');
  };
  if (hasErrors(diagnostics)) fail(`cannot read the features file (${countSummary(diagnostics)})`);
  const [doc, ...rest] = parsed.documents;
  if (!doc || topLevelKind(doc) !== 'map') {
    diagnostics.push({ severity: 'error', message: EXPECTED, ...where });
    fail(EXPECTED);
  }
  if (rest.length > 0) {
    diagnostics.push({
      severity: 'warning',
      message: 'the file holds several YAML documents; only the first is read',
      ...where,
    });
  }
  const meta = decodeDocument(doc!, TYPE_META_ONLY, parsed.lineCounter, file);
  const kind = ((meta.value ?? {}) as { kind?: string }).kind ?? '';
  const keys = topLevelKeys(doc!).map((k) => k.toLowerCase());
  let format: FeaturesFormat;
  if (kind === 'NodeFeature') format = 'NodeFeature';
  else if (kind === 'NodeFeatureList' || ((kind === '' || kind === 'List') && keys.includes('items'))) {
    format = 'NodeFeatureList';
  } else if (kind === '' && keys.includes('spec')) format = 'NodeFeature';
  else if (kind === '' && keys.every((k) => FEATURE_KEYS.has(k))) format = 'Features';
  else {
    const found = kind
      ? `kind ${JSON.stringify(kind)}`
      : `top-level keys ${keys.map((k) => JSON.stringify(k)).join(', ')}`;
    diagnostics.push({ severity: 'error', message: `${EXPECTED}; found ${found}`, ...where });
    return fail(`${EXPECTED}; found ${found}`);
  }
  const type = format === 'Features' ? FEATURES : format === 'NodeFeature' ? NODE_FEATURE : NODE_FEATURE_LIST;
  const decoded = decodeDocument(doc!, type, parsed.lineCounter, file);
  for (const item of decoded.diagnostics) diagnostics.push(item); // a loop, not push(...): spreading 120,000+ items overflows the stack
  if (hasErrors(diagnostics) || decoded.value === undefined) {
    fail(`invalid ${format} document (${countSummary(diagnostics)})`);
  }
  let items: FeaturesItem[];
  if (format === 'Features') items = [{ features: decoded.value as Features }];
  else if (format === 'NodeFeature') items = [item(decoded.value as NodeFeatureValue)];
  else items = ((decoded.value as { items?: NodeFeatureValue[] }).items ?? []).map(item);
  return { format, items, warnings: sortDiagnostics(diagnostics), positions: decoded.positions };
}

/** The one feature set of a loaded document; a list with other than one item is an error. */
export function singleFeatures(loaded: LoadedFeatures, file?: string): Features {
  if (loaded.items.length !== 1) {
    throw new InvalidInputError(
      `${file ?? 'features'}: the NodeFeatureList holds ${loaded.items.length} objects; expected exactly one node's features`,
      [],
      'E_FEATURES_INVALID',
    );
  }
  return loaded.items[0]!.features;
}
