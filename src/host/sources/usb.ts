/**
 * NFD's `usb` source (source/usb/usb.go, utils.go; NFD v0.19.0 source/usb/usb.go): usb.device, always present.
 */
import type { Features } from '../../core/model/features.ts';
import type { DiscoveryContext, FeatureSource } from '../types.ts';
import { newFeatures, setInstances } from './features-builder.ts';
import { SourceReader } from './source-reader.ts';

const DEVICES = '/sys/bus/usb/devices';
/** NFD's attribute → sysfs file map, in NFD's attribute order. */
const ATTR_FILES: [string, string][] = [
  ['class', 'bDeviceClass'],
  ['vendor', 'idVendor'],
  ['device', 'idProduct'],
  ['serial', 'serial'],
];
/** NFD's default `sources.usb` config (labels only). */
const CLASS_WHITELIST = ['0e', 'ef', 'fe', 'ff'];
const LABEL_FIELDS = ['class', 'vendor', 'device'];

/** NFD `filepath.Glob(dir/STAR/file)`: the sorted entries of `dir` that contain `file`. */
async function globChildrenWith(r: SourceReader, dir: string, file: string): Promise<string[]> {
  const entries = await r.dir(dir);
  if (!Array.isArray(entries)) return [];
  const has = await Promise.all(entries.map((e) => r.exists(`${dir}/${e}/${file}`)));
  return entries.filter((_, i) => has[i] === true);
}

/** NFD `readUsbDevInfo`: one instance, or one per interface when the device class is `00`. */
async function readUsbDevice(r: SourceReader, dir: string): Promise<Record<string, string>[] | undefined> {
  const values = await Promise.all(ATTR_FILES.map(([, file]) => r.trimmed(`${dir}/${file}`)));
  const attrs: Record<string, string> = {};
  ATTR_FILES.forEach(([attr], i) => {
    const v = values[i];
    if (v) attrs[attr] = v; // empty or unreadable values are left out
  });
  // A missing class counts as "not 00" (Go's zero value ""), so such a device is one instance.
  if (attrs.class !== '00') return [attrs];
  const ifaces = await globChildrenWith(r, dir, 'bInterfaceClass');
  const classes = await Promise.all(ifaces.map((i) => r.text(`${dir}/${i}/bInterfaceClass`)));
  const out: Record<string, string>[] = [];
  for (const cls of classes) {
    if (typeof cls !== 'string') {
      r.trace(`${dir}: cannot read an interface class, device skipped`);
      return undefined;
    }
    // No de-duplication: two interfaces of the same class give two identical instances (NFD v0.19.0 source code (where it differs from NFD's docs)).
    out.push({ ...attrs, class: cls.trim() });
  }
  return out;
}

async function discoverUsb(ctx: DiscoveryContext): Promise<Features> {
  const r = new SourceReader(ctx, 'usb');
  const f = newFeatures();
  const devs = await globChildrenWith(r, DEVICES, 'idProduct');
  const found = await Promise.all(devs.map((d) => readUsbDevice(r, `${DEVICES}/${d}`)));
  setInstances(
    f,
    'device',
    found.flatMap((x) => x ?? []),
  );
  return f;
}

function usbLabels(features: Features): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const dev of features.instances?.device?.elements ?? []) {
    const a = dev.attributes;
    const cls = a.class ?? '';
    if (!CLASS_WHITELIST.some((c) => cls.startsWith(c.toLowerCase()))) continue;
    labels[`${LABEL_FIELDS.map((k) => a[k] ?? '').join('_')}.present`] = 'true';
  }
  return labels;
}

export const usbSource: FeatureSource = {
  name: 'usb',
  discover: discoverUsb,
  labels: usbLabels,
};
