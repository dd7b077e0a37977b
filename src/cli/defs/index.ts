/**
 * Every command's registration, in the order `--help` lists them. One line per command module, with the
 * top-level commands it adds (test/cli/defs/index.test.ts checks them): a run whose first argument names
 * one of them registers that module alone (src/cli/program.ts).
 */
import type { Register } from '../program.ts';
import { registerCluster } from './cluster.ts';
import { registerCompletion } from './completion.ts';
import { registerEval } from './eval.ts';
import { registerExport } from './export.ts';
import { registerInit } from './init.ts';
import { registerJob } from './job.ts';
import { registerLint } from './lint.ts';
import { registerNfg } from './nfg.ts';
import { registerNfr } from './nfr.ts';
import { registerRegistry } from './registry.ts';
import { registerSchema } from './schema.ts';
import { registerSelect } from './select.ts';
import { registerValidateNode } from './validate-node.ts';
import { registerValidateSpec } from './validate-spec.ts';
import { registerWebhook } from './webhook.ts';

export interface Registration {
  commands: readonly string[];
  register: Register;
}

export const registrations: readonly Registration[] = [
  { commands: ['validate-node'], register: registerValidateNode },
  { commands: ['select'], register: registerSelect },
  { commands: ['eval'], register: registerEval },
  { commands: ['validate-spec'], register: registerValidateSpec },
  { commands: ['lint'], register: registerLint },
  { commands: ['schema'], register: registerSchema },
  { commands: ['init'], register: registerInit },
  { commands: ['nfr'], register: registerNfr },
  { commands: ['nfg'], register: registerNfg },
  { commands: ['cluster'], register: registerCluster },
  { commands: ['webhook'], register: registerWebhook },
  { commands: ['job'], register: registerJob },
  { commands: ['export'], register: registerExport },
  { commands: ['attach', 'discover', 'get', 'remove', 'login', 'logout'], register: registerRegistry },
  // `completion` describes the whole command tree: never registered alone.
  { commands: [], register: registerCompletion },
];
