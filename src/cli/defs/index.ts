/** Every command's registration, in the order `--help` lists them. One line per command module. */
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

export const registrations: Register[] = [
  registerValidateNode,
  registerSelect,
  registerEval,
  registerValidateSpec,
  registerLint,
  registerSchema,
  registerInit,
  registerNfr,
  registerNfg,
  registerCluster,
  registerWebhook,
  registerJob,
  registerExport,
  registerRegistry,
  registerCompletion,
];
