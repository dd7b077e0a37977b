/**
 * `cpu.topology` (NFD v0.19.0 source/cpu/cpu.go `discoverTopology`), always present: for every entry of `/sys/bus/cpu/devices`,
 * `topology/thread_siblings_list` and `topology/physical_package_id` must be readable, else the whole
 * map is empty (e.g. an offline CPU, NFD v0.19.0 source code (where it differs from NFD's docs) quirk 8).
 */
import type { DiscoveryContext } from '../../types.ts';
import { listDir, readFile } from './read.ts';

export async function discoverTopology(ctx: DiscoveryContext): Promise<Record<string, string>> {
  const cpus = await listDir(ctx, '/sys/bus/cpu/devices');
  if (!cpus) return {};
  const base = '/sys/bus/cpu/devices';
  const reads = await Promise.all(
    cpus.map((c) =>
      Promise.all([
        readFile(ctx, `${base}/${c}/topology/thread_siblings_list`),
        readFile(ctx, `${base}/${c}/topology/physical_package_id`),
      ]),
    ),
  );
  let ht = false;
  const packages = new Set<string>();
  for (const [siblings, pkg] of reads) {
    if (!siblings.ok || !pkg.ok) return {};
    if (siblings.text.includes(',') || siblings.text.includes('-')) ht = true;
    packages.add(pkg.text.trim());
  }
  return { hardware_multithreading: String(ht), socket_count: String(packages.size) };
}
