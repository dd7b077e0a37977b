/**
 * `imgcompat lint FILE...`: the lint checks of src/lint over each file, printed as text (stdout),
 * JSON or SARIF. Files that cannot be read or are not a spec/NFR/NFG are reported on stderr with
 * their position and make the exit status 3; the other files are still linted.
 *
 * Files are read, linted and written out one at a time: memory holds one file and its findings,
 * however many files there are. On a terminal, a progress line on stderr counts the files once
 * linting has taken longer than a second.
 */
import { formatDiagnostic } from '../../errors.ts';
import type { Severity } from '../../lint/findings.ts';
import { atLeast, jsonWriter, type LintWriter, sarifWriter, textWriter } from '../../lint/format.ts';
import { lintText } from '../../lint/lint.ts';
import { EXIT } from '../exit-codes.ts';
import type { Io } from '../io.ts';
import type { CommandContext } from '../program.ts';
import { VERSION } from '../version.ts';
import { readInputFile } from './input-files.ts';

export interface LintOptions {
  files: string[];
  output: 'text' | 'json' | 'sarif';
  failOn: Severity;
  /** How long linting runs before the progress line appears (terminal only); 1 s by default. */
  progressAfterMs?: number;
}

/** How often the progress line is redrawn at most. */
const REDRAW_MS = 100;

/**
 * `lint: 153/1000 files` on stderr, redrawn in place and erased by `done`; nothing unless stderr is a
 * terminal (pipes and CI logs stay clean).
 */
function progress(io: Io, total: number, afterMs: number) {
  const tty = io.stderr.isTTY === true;
  const started = Date.now();
  let last = Number.NEGATIVE_INFINITY;
  let shown = false;
  return {
    step(done: number): void {
      if (!tty) return;
      const now = Date.now();
      if (now - started < afterMs || now - last < REDRAW_MS) return;
      last = now;
      shown = true;
      io.stderr.write(`\r\x1b[2Klint: ${done}/${total} files`);
    },
    /** Erases the line (before other output, so that it does not end up after the count). */
    done(): void {
      if (shown) io.stderr.write('\r\x1b[2K');
      shown = false;
    },
  };
}

export async function run(opts: LintOptions, ctx: CommandContext): Promise<number> {
  const writer: LintWriter =
    opts.output === 'json' ? jsonWriter() : opts.output === 'sarif' ? sarifWriter(VERSION) : textWriter();
  const bar = progress(ctx.io, opts.files.length, opts.progressAfterMs ?? 1000);
  let unusable = false;
  let failing = false;
  let done = 0;
  for (const file of opts.files) {
    bar.step(done++);
    const read = await readInputFile(ctx.io.cwd, file);
    if ('problem' in read) {
      bar.done();
      ctx.io.stderr.write(`${formatDiagnostic(read.problem)}\n`);
      unusable = true;
      continue;
    }
    const r = lintText(read.text, file);
    if (r.kind === 'unrecognized') {
      bar.done();
      ctx.io.stderr.write(`${formatDiagnostic(r.problem)}\n`);
      unusable = true;
      continue;
    }
    failing ||= r.findings.some((x) => atLeast(x.severity, opts.failOn));
    const out = writer.file({ file, kind: r.kind, findings: r.findings });
    if (out !== '') {
      bar.done();
      ctx.io.stdout.write(out);
    }
  }
  bar.done();
  ctx.io.stdout.write(writer.end());
  if (unusable) return EXIT.invalidInput;
  return failing ? EXIT.incompatible : EXIT.ok;
}
