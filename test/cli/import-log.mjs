// Preloaded with `node --import` by the start-up test: logs every module the process resolves
// to the file named by OPSLEDGER_IMPORT_LOG, so the test can say what a command loaded.
import { register } from 'node:module';

register('./import-log-hooks.mjs', import.meta.url);
