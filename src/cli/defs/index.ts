/** Every command's registration, in the order `--help` lists them. One line per command module. */
import type { Register } from '../program.ts';
import { registerCompletion } from './completion.ts';
import { registerJob } from './job.ts';

export const registrations: Register[] = [registerJob, registerCompletion];
