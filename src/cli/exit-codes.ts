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
  /**
   * Standard output or error was closed by its reader (`imgcompat ... | head`): what a shell reports
   * for a Go program such as NFD's `nfd`, which SIGPIPE ends (os/signal "SIGPIPE"), 128 + 13.
   */
  brokenPipe: 141,
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
