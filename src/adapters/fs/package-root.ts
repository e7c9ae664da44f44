import { fileURLToPath } from 'node:url';

/** The installed package's root: src/ and dist/ both sit two levels below it. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
