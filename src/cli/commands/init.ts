/**
 * `imgcompat init`: print a starter image-compatibility spec for this host (`--from-host`, discovery as
 * validate-node does it) or for a saved features file (`--features F`): the CPU baseline, a kernel
 * version range and the modules and PCI devices named on the command line (src/core/starter-spec.ts).
 * The YAML goes through the one Kubernetes YAML emitter, so every scalar reads back as written.
 */
import { starterSpec } from '../../core/starter-spec.ts';
import { UsageError } from '../../errors.ts';
import { toKubeYaml } from '../../k8s/kube-yaml.ts';
import { EXIT } from '../exit-codes.ts';
import type { CommandContext } from '../program.ts';
import { hostDiscovery } from './validate-node.ts';

export interface InitOptions {
  fromHost?: boolean;
  features?: string;
  modules: string[];
  pciVendors: string[];
  pciDevices: string[];
  kernelMin?: string;
  kernelMax?: string;
  hostRoot?: string;
  hostPrefix?: string;
  /** The OS this runs on (`process.platform` when absent; tests set it). */
  hostOs?: string;
}

export async function run(opts: InitOptions, ctx: CommandContext): Promise<number> {
  if ((opts.fromHost === true) === (opts.features !== undefined)) {
    throw new UsageError('give exactly one of --from-host (discover this host) and --features FILE');
  }
  if (opts.features !== undefined && (opts.hostRoot !== undefined || opts.hostPrefix !== undefined)) {
    throw new UsageError('--host-root and --host-prefix go with --from-host, not with --features');
  }
  const os = opts.hostOs ?? process.platform;
  if (opts.fromHost && os !== 'linux') {
    throw new UsageError(
      `--from-host discovers the features of a Linux host, and this is ${os}: ` +
        'use --features FILE with a file from `imgcompat export features` on the node',
    );
  }
  const { features } = await hostDiscovery(
    {
      ...(opts.features !== undefined ? { features: opts.features } : {}),
      ...(opts.hostRoot !== undefined ? { hostRoot: opts.hostRoot } : {}),
      ...(opts.hostPrefix !== undefined ? { hostPrefix: opts.hostPrefix } : {}),
    },
    ctx,
  );
  const source =
    opts.features ??
    (features.attributes?.['system.name']?.elements?.nodename || ctx.io.env.NODE_NAME || 'this host');
  const { spec, notes } = starterSpec(features, {
    source,
    modules: opts.modules,
    pciVendors: opts.pciVendors,
    pciDevices: opts.pciDevices,
    ...(opts.kernelMin !== undefined ? { kernelMin: opts.kernelMin } : {}),
    ...(opts.kernelMax !== undefined ? { kernelMax: opts.kernelMax } : {}),
  });
  for (const n of notes) ctx.io.stderr.write(`imgcompat: note: ${n}\n`);
  ctx.io.stdout.write(toKubeYaml(spec));
  return EXIT.ok;
}
