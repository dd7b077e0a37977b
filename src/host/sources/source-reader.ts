/**
 * How a source reads host files: "does not exist" is a normal answer (`undefined`), any other failure
 * (EACCES, EIO, a link out of the host root, too big) is reported once as a `SourceProblem` with the
 * path and errno and then answered with `FAILED`, so the source goes on like NFD does after logging.
 */
import { HostReadError } from '../../errors.ts';
import type { DiscoveryContext } from '../types.ts';

export const FAILED: unique symbol = Symbol('read failed');
export type Failed = typeof FAILED;

export class SourceReader {
  readonly ctx: DiscoveryContext;
  readonly source: string;

  constructor(ctx: DiscoveryContext, source: string) {
    this.ctx = ctx;
    this.source = source;
  }

  /** Reports a failure that is not about one file (NFD's Discover error or a logged error). */
  problem(message: string, path?: string, errno?: string): void {
    const p: { source: string; message: string; path?: string; errno?: string } = {
      source: this.source,
      message,
    };
    if (path !== undefined) p.path = path;
    if (errno !== undefined) p.errno = errno;
    this.ctx.problem(p);
  }

  trace(message: string): void {
    this.ctx.trace(`${this.source}: ${message}`);
  }

  private async guard<T>(op: () => Promise<T>, quiet?: (errno: string) => boolean): Promise<T | Failed> {
    try {
      return await op();
    } catch (err) {
      if (err instanceof HostReadError) {
        if (quiet?.(err.errno)) {
          this.trace(`${err.path}: ${err.errno} (ignored as NFD does)`);
        } else {
          this.problem(err.message, err.path, err.errno);
        }
        return FAILED;
      }
      throw err;
    }
  }

  /** File text, `undefined` when absent, `FAILED` when unreadable (reported unless `quiet` says so). */
  text(
    path: string,
    opts: { maxBytes?: number; quiet?: (errno: string) => boolean } = {},
  ): Promise<string | undefined | Failed> {
    const read = opts.maxBytes === undefined ? {} : { maxBytes: opts.maxBytes };
    return this.guard(() => this.ctx.files.readText(path, read), opts.quiet);
  }

  /** Trimmed file text (Go `strings.TrimSpace`), or undefined when absent or unreadable. */
  async trimmed(
    path: string,
    opts: { quiet?: (errno: string) => boolean } = {},
  ): Promise<string | undefined> {
    const t = await this.text(path, opts);
    return typeof t === 'string' ? t.trim() : undefined;
  }

  bytes(path: string, opts: { maxBytes?: number } = {}): Promise<Uint8Array | undefined | Failed> {
    return this.guard(() => this.ctx.files.readBytes(path, opts));
  }

  /** Sorted directory entries, `undefined` when absent, `FAILED` when unreadable. */
  dir(path: string): Promise<string[] | undefined | Failed> {
    return this.guard(() => this.ctx.files.readDir(path));
  }

  /** Like Go's `os.Stat` succeeding: the path exists, following symlinks (inside the host root). */
  async exists(path: string): Promise<boolean | Failed> {
    const r = await this.guard(() => this.ctx.files.realPath(path));
    return r === FAILED ? FAILED : r !== undefined;
  }

  /** What the path is after following links: 'file' | 'dir' | 'other', undefined if absent. */
  async statKind(path: string): Promise<'file' | 'dir' | 'other' | undefined | Failed> {
    return this.guard(async () => {
      const real = await this.ctx.files.realPath(path);
      if (real === undefined) return undefined;
      const k = await this.ctx.files.kind(real);
      return k === 'link' ? 'other' : k;
    });
  }
}
