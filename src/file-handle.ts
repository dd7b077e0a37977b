/**
 * The part of node:fs/promises the start-up path uses (open, then stat/read/close on the descriptor;
 * reading a whole small file), on node:fs's callback functions. node:fs/promises loads Node's readline
 * and REPL history modules with it: ~4 ms of a ~80 ms `validate-node` (bench/results/startup.json).
 * Same behaviour: the functions reject with Node's own errors (code, syscall, path).
 */
import { close, fstat, open, read, readFile, type Stats } from 'node:fs';

export interface FileHandle {
  readonly fd: number;
  stat(): Promise<Stats>;
  read(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number | null,
  ): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

/** Opens `path` with `flags` (as `fs.open`); the caller closes the handle. */
export function openFile(path: string, flags: number | string): Promise<FileHandle> {
  return new Promise((resolve, reject) => {
    open(path, flags, (err, fd) => (err ? reject(err) : resolve(handle(fd))));
  });
}

function handle(fd: number): FileHandle {
  let closed = false;
  return {
    fd,
    stat: () => new Promise((resolve, reject) => fstat(fd, (err, st) => (err ? reject(err) : resolve(st)))),
    read: (buffer, offset, length, position) =>
      new Promise((resolve, reject) =>
        read(fd, buffer, offset, length, position, (err, bytesRead) =>
          err ? reject(err) : resolve({ bytesRead }),
        ),
      ),
    close: () =>
      new Promise((resolve, reject) => {
        if (closed) return resolve();
        closed = true;
        close(fd, (err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** The whole of `path` as UTF-8 text (for small files the caller trusts to be small: config files). */
export function readTextFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    readFile(path, 'utf8', (err, text) => (err ? reject(err) : resolve(text)));
  });
}
