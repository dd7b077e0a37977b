/**
 * Reading input files for the validation commands: the 4 MiB cap is enforced from the file size
 * before anything is read, and a file that cannot be read becomes a diagnostic naming the path
 * (exit 3), not an exception, so the other files are still checked.
 */
import { constants } from 'node:fs';
import { resolve } from 'node:path';
import { readGoYamlText } from '../../core/load/go-reader.ts';
import { MAX_INPUT_BYTES } from '../../core/load/go-yaml.ts';
import { type Diagnostic, InvalidInputError } from '../../errors.ts';
import { type FileHandle, openFile } from '../../file-handle.ts';

/** How long a pipe or terminal may stay silent before reading it fails. */
const PIPE_IDLE_MS = 10_000;
/** How long a named pipe may have no writer before reading it fails. */
const FIFO_WRITER_MS = 1_000;

/** `bytes`: the file exactly as stored (`text` is it decoded as NFD's YAML reader decodes it). */
export type ReadResult = { text: string; bytes: Uint8Array } | { problem: Diagnostic };

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  return err instanceof Error ? err.message : String(err);
}

/**
 * Read `file` (relative to `cwd`) as UTF-8, refusing files over the input size limit. `-` is standard
 * input when `stdin` is given (as kubectl's `-f -`).
 */
export async function readInputFile(
  cwd: string,
  file: string,
  stdin?: () => Promise<string>,
): Promise<ReadResult> {
  // About the file as a whole: no line:column, the path leads the message.
  const problem = (message: string): ReadResult => ({
    problem: { severity: 'error', message: `${file}: ${message}` },
  });
  if (file === '-' && stdin) {
    const text = await stdin();
    const bytes = new TextEncoder().encode(text);
    if (bytes.byteLength > MAX_INPUT_BYTES)
      return problem(`standard input is larger than the ${MAX_INPUT_BYTES}-byte (4 MiB) limit`);
    return { text: text.replace(/^\uFEFF/, ''), bytes };
  }
  let fh: FileHandle | undefined;
  try {
    // O_NONBLOCK: opening a FIFO nobody writes to would otherwise wait forever (no effect on files).
    fh = await openFile(resolve(cwd, file), constants.O_RDONLY | constants.O_NONBLOCK);
    const st = await fh.stat();
    if (st.isDirectory()) return problem('cannot read file: is a directory');
    if (!st.isFile() && !st.isFIFO() && !st.isCharacterDevice()) {
      return problem('cannot read file: not a regular file, pipe or character device');
    }
    if (st.size > MAX_INPUT_BYTES) {
      return problem(`file is ${st.size} bytes, larger than the ${MAX_INPUT_BYTES}-byte (4 MiB) limit`);
    }
    // Read at most one byte past the limit: the size may change under us (a pipe, a growing file).
    const buf = Buffer.alloc(MAX_INPUT_BYTES + 1);
    let n = 0;
    let idleSince = Date.now();
    let sawData = false;
    for (;;) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await fh.read(buf, n, buf.length - n, null));
      } catch (e) {
        // A pipe (`<(command)`) or terminal with nothing to read yet: wait, for a bounded time.
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        if (Date.now() - idleSince > PIPE_IDLE_MS) {
          return problem(`cannot read file: no data for ${PIPE_IDLE_MS / 1000} s`);
        }
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      if (bytesRead === 0) {
        // A FIFO reads as end-of-file while no process has it open for writing: give a writer that is
        // starting up a moment, then say so rather than wait forever.
        if (n === 0 && st.isFIFO() && !sawData) {
          if (Date.now() - idleSince > FIFO_WRITER_MS)
            return problem('cannot read file: a named pipe (FIFO) that no process writes to');
          await new Promise((r) => setTimeout(r, 10));
          continue;
        }
        break;
      }
      sawData = true;
      idleSince = Date.now();
      n += bytesRead;
      if (n > MAX_INPUT_BYTES)
        return problem(`file is larger than the ${MAX_INPUT_BYTES}-byte (4 MiB) limit`);
    }
    const bytes = new Uint8Array(buf.subarray(0, n));
    // Decoded as NFD's YAML reader decodes (goyaml.v2): a BOM may select UTF-16; invalid UTF-8 and
    // control characters are errors.
    const read = readGoYamlText(bytes);
    if ('problem' in read) return problem(`yaml: ${read.problem} (at byte ${read.offset})`);
    return { text: read.text, bytes };
  } catch (err) {
    return problem(`cannot read file: ${reason(err)}`);
  } finally {
    await fh?.close();
  }
}

/**
 * Read the file a flag names (`--spec`, `--features`, ...), for commands that need it to go on: a file
 * that cannot be read or is over the limit is invalid input (exit 3), named by its flag and path.
 */
export async function readFlagFile(
  cwd: string,
  file: string,
  flag: string,
  stdin?: () => Promise<string>,
): Promise<string> {
  return (await readFlagFileContent(cwd, file, flag, stdin)).text;
}

/** readFlagFile, with the file's bytes as stored as well. */
export async function readFlagFileContent(
  cwd: string,
  file: string,
  flag: string,
  stdin?: () => Promise<string>,
): Promise<{ text: string; bytes: Uint8Array }> {
  const r = await readInputFile(cwd, file, stdin);
  if ('problem' in r)
    throw new InvalidInputError(`cannot use ${flag}: ${r.problem.message}`, [], 'E_INPUT_UNREADABLE');
  return r;
}
