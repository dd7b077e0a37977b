/**
 * Reading input files for the validation commands: the 4 MiB cap is enforced from the file size
 * before anything is read, and a file that cannot be read becomes a diagnostic naming the path
 * (exit 3), not an exception, so the other files are still checked.
 */
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MAX_INPUT_BYTES } from '../../core/load/go-yaml.ts';
import { type Diagnostic, InvalidInputError } from '../../errors.ts';

/** `bytes`: the file exactly as stored (`text` drops a BOM and replaces invalid UTF-8). */
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
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(resolve(cwd, file), 'r');
    const st = await fh.stat();
    if (st.isDirectory()) return problem('cannot read file: is a directory');
    if (st.size > MAX_INPUT_BYTES) {
      return problem(`file is ${st.size} bytes, larger than the ${MAX_INPUT_BYTES}-byte (4 MiB) limit`);
    }
    // Read at most one byte past the limit: the size may change under us (a pipe, a growing file).
    const buf = Buffer.alloc(MAX_INPUT_BYTES + 1);
    let n = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, null);
      if (bytesRead === 0) break;
      n += bytesRead;
      if (n > MAX_INPUT_BYTES)
        return problem(`file is larger than the ${MAX_INPUT_BYTES}-byte (4 MiB) limit`);
    }
    const bytes = new Uint8Array(buf.subarray(0, n));
    return { text: new TextDecoder('utf-8').decode(bytes), bytes };
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
