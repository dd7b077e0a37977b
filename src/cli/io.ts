/**
 * The process environment a command runs in. Commands receive this instead of touching `process`
 * directly, so tests can run the CLI in-process (`run(argv, io)`) and capture stdout/stderr.
 */
import { EXIT } from './exit-codes.ts';
export interface Io {
  stdout: { write(s: string | Uint8Array): unknown; isTTY?: boolean };
  stderr: { write(s: string | Uint8Array): unknown; isTTY?: boolean };
  /** Reads all of standard input (for --registry-password-stdin and friends). */
  readStdin(): Promise<string>;
  env: Record<string, string | undefined>;
  cwd: string;
  /**
   * Asks a yes/no question on the terminal; absent when standard input or standard error is not a
   * terminal (then commands do not ask).
   */
  confirm?(question: string): Promise<boolean>;
  /**
   * Asks for a secret (login's password) on the terminal without echoing what is typed; absent, like
   * `confirm`, when standard input or standard error is not a terminal.
   */
  promptSecret?(question: string): Promise<string>;
}

/**
 * A reader that stops early (`| head`) makes the next write fail with EPIPE, emitted as an 'error'
 * event that, unhandled, ends Node with a stack trace. Go programs end silently on SIGPIPE instead; so
 * do we, with the status a shell shows for them (EXIT.brokenPipe). Any other write failure of the
 * standard streams is one line, never a trace.
 */
function endOnStreamErrors(): void {
  const onError = (name: string) => (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && name === 'output') {
      try {
        process.stderr.write(`imgcompat: cannot write to standard ${name}: ${e.message}\n`);
      } catch {
        // standard error is gone too
      }
    }
    process.exit(e.code === 'EPIPE' ? EXIT.brokenPipe : EXIT.internal);
  };
  if (process.stdout.listenerCount('error') === 0) process.stdout.on('error', onError('output'));
  if (process.stderr.listenerCount('error') === 0) process.stderr.on('error', onError('error'));
}

export function processIo(): Io {
  endOnStreamErrors();
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    env: process.env,
    cwd: process.cwd(),
    // isatty(0), not process.stdin.isTTY: reading process.stdin creates the stream (and loads Node's
    // stream modules for it), ~5 ms of every start, though only login and prompts ever read it. Asked
    // only when standard error is a terminal (node:tty is loaded then anyway).
    ...(process.stderr.isTTY && process.getBuiltinModule('node:tty').isatty(0)
      ? {
          confirm: async (question: string) => {
            const { createInterface } = await import('node:readline/promises');
            const rl = createInterface({ input: process.stdin, output: process.stderr });
            try {
              return /^y(es)?$/i.test((await rl.question(question)).trim());
            } finally {
              rl.close();
            }
          },
          promptSecret: async (question: string) => {
            const { createInterface } = await import('node:readline/promises');
            const { Writable } = await import('node:stream');
            // readline echoes every key through its output; once the question is shown, the output
            // swallows the echo, so the password never reaches the screen.
            let muted = false;
            const output = new Writable({
              write(chunk, _encoding, done) {
                if (!muted) process.stderr.write(chunk);
                done();
              },
            });
            const rl = createInterface({ input: process.stdin, output, terminal: true });
            try {
              const answer = rl.question(question);
              muted = true;
              return await answer;
            } finally {
              rl.close();
              process.stderr.write('\n');
            }
          },
        }
      : {}),
  };
}

/** An in-memory Io for tests. */
export function memoryIo(
  opts: {
    stdin?: string;
    env?: Record<string, string>;
    cwd?: string;
    /** Answers to questions, as a terminal user would give them; no terminal when absent. */
    answers?: boolean[];
    /** Secrets typed at a terminal prompt (promptSecret); no terminal when absent. */
    secrets?: string[];
  } = {},
): Io & {
  out(): string;
  err(): string;
} {
  let out = '';
  let err = '';
  const dec = new TextDecoder();
  return {
    stdout: { write: (s) => (out += typeof s === 'string' ? s : dec.decode(s)) },
    stderr: { write: (s) => (err += typeof s === 'string' ? s : dec.decode(s)) },
    readStdin: async () => opts.stdin ?? '',
    env: opts.env ?? {},
    cwd: opts.cwd ?? '/',
    ...(opts.answers
      ? {
          confirm: async (question: string) => {
            err += question;
            return opts.answers?.shift() ?? false;
          },
        }
      : {}),
    ...(opts.secrets
      ? {
          promptSecret: async (question: string) => {
            err += `${question}\n`;
            return opts.secrets?.shift() ?? '';
          },
        }
      : {}),
    out: () => out,
    err: () => err,
  };
}
