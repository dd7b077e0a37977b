/**
 * A progress line on stderr for steps that take longer than a second, only when stderr is a terminal
 * (pipes and CI logs stay clean). The line is erased when the step ends.
 */
import type { Io } from './io.ts';

const DELAY_MS = 1000;

export async function withProgress<T>(io: Io, label: string, work: Promise<T>): Promise<T> {
  if (io.stderr.isTTY !== true) return work;
  let shown = false;
  const started = Date.now();
  const timer = setInterval(() => {
    shown = true;
    io.stderr.write(`\r\x1b[2K${label}... ${Math.round((Date.now() - started) / 1000)}s`);
  }, DELAY_MS);
  try {
    return await work;
  } finally {
    clearInterval(timer);
    if (shown) io.stderr.write('\r\x1b[2K');
  }
}
