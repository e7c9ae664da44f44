// Types of bin/script-cache.js (plain JavaScript, run before anything is compiled), for the tests.
export function codeFileOf(scriptFile: string): string;
export function readCode(codeFile: string, key: Buffer, owner: number): { code: Buffer; reach: number } | undefined;
export function writeCode(codeFile: string, key: Buffer, code: Buffer, reach?: number): boolean;
export function runScript(
  scriptFile: string,
  moduleFile: string,
): { exports: Record<string, unknown>; used: boolean; keep: () => boolean } | undefined;
