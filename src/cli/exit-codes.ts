import type { ErrorKind } from '../errors.ts';

/** The CLI's documented exit codes (README "Exit codes"). */
export const EXIT = {
  ok: 0,
  incompatible: 1,
  usage: 2,
  invalidInput: 3,
  registry: 4,
  artifactNotFound: 5,
  /** No set passed, and a set failed only on features this host's discovery could not read. */
  undetermined: 6,
  internal: 70,
} as const;

export function exitCodeFor(kind: ErrorKind): number {
  switch (kind) {
    case 'usage':
      return EXIT.usage;
    case 'invalid-input':
      return EXIT.invalidInput;
    case 'registry':
      return EXIT.registry;
    case 'artifact-not-found':
      return EXIT.artifactNotFound;
    case 'internal':
      return EXIT.internal;
  }
}
