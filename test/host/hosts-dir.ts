/** Where the fixture hosts live (test/fixtures/hosts/, see the README there); tests run from build/. */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HOSTS_DIR = path.resolve(fileURLToPath(import.meta.url), '../../../../test/fixtures/hosts');
