// Types of bin/script-cache.js (plain JavaScript, run before anything is compiled), for the tests.
export function codeFileOf(scriptFile: string): string;
export function readCode(codeFile: string, key: Buffer, owner: number): Buffer | undefined;
export function writeCode(codeFile: string, key: Buffer, code: Buffer): boolean;
export function runScript(
  scriptFile: string,
  moduleFile: string,
): { exports: Record<string, unknown>; used: boolean; keep: () => boolean } | undefined;
