import type { Register } from '../program.ts';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export const registerInit: Register = (program, ctx) => {
  program
    .command('init')
    .description('print a starter compatibility spec for this host or a features file')
    .option('--from-host', "discover this host's features (Linux)")
    .option('--features <file>', 'saved features (NFD Features JSON or a NodeFeature object) instead')
    .option(
      '--module <name>',
      'a kernel module the image needs loaded (repeatable; must be loaded on the host)',
      collect,
    )
    .option(
      '--pci-vendor <id>',
      'a PCI vendor ID the image needs a device of, e.g. 10de (repeatable)',
      collect,
    )
    .option(
      '--pci-device <vendor:device>',
      'a PCI device the image needs, e.g. 10de:2330 (repeatable)',
      collect,
    )
    .option('--kernel-min <major.minor>', "lowest kernel version (default: the host's)")
    .option('--kernel-max <major.minor>', 'highest kernel version, inclusive (default: none)')
    .option('--host-root <dir>', "with --from-host: read the host's files under this directory")
    .option('--host-prefix <prefix>', "with --from-host: NFD's host path prefix, / (default) or /host-")
    .addHelpText(
      'after',
      `
The spec has one compatibility set: the x86-64 micro-architecture level of the CPU (cpu.cpuid
X86_64_V1..V4), the kernel version range (kernel.version major/minor), and a rule per named module,
PCI vendor and PCI device. It passes \`imgcompat lint\` and \`imgcompat validate-spec\`, and the host it
was made from is compatible with it. Edit it, then attach it with \`imgcompat attach\`.

Exit status: 0 written, 2 usage error (also a named module or device the host does not have),
3 invalid features file.

Examples:
  imgcompat init --from-host --module vfio_pci > spec.yaml
  imgcompat init --features node-features.json --pci-vendor 10de --kernel-min 5.14 > spec.yaml`,
    )
    .action(async (opts) => {
      const { run } = await import('../commands/init.ts');
      ctx.exitCode = await run(
        {
          ...(opts.fromHost ? { fromHost: true } : {}),
          ...(opts.features !== undefined ? { features: opts.features } : {}),
          modules: opts.module ?? [],
          pciVendors: opts.pciVendor ?? [],
          pciDevices: opts.pciDevice ?? [],
          ...(opts.kernelMin !== undefined ? { kernelMin: opts.kernelMin } : {}),
          ...(opts.kernelMax !== undefined ? { kernelMax: opts.kernelMax } : {}),
          ...(opts.hostRoot !== undefined ? { hostRoot: opts.hostRoot } : {}),
          ...(opts.hostPrefix !== undefined ? { hostPrefix: opts.hostPrefix } : {}),
        },
        ctx,
      );
    });
};
