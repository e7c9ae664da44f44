import picomatch from 'picomatch';

/**
 * Path globs as policies write them (`teams/**`, `{teams,changes}/**`, `**\/*.tf`,
 * `!(vendor)/**`), matched with picomatch's full syntax on repo-relative paths with forward
 * slashes. A hand-written matcher silently missed braces and extglobs, which turned a
 * security control into one that protects nothing; a maintained one does not.
 */

// Dotfiles are files like any other here: `.github/**` must protect the workflows.
const OPTIONS: picomatch.PicomatchOptions = { dot: true };

/**
 * The pattern as a path from the repository root. Authors write `/teams/**` or
 * `./changes/policy.yaml` to mean the root; git's paths never start that way, so left alone
 * those patterns would match nothing.
 */
export function normaliseGlob(glob: string): string {
  let g = glob.trim();
  for (;;) {
    if (g.startsWith('./')) g = g.slice(2);
    else if (g.startsWith('/')) g = g.slice(1);
    else return g;
  }
}

export type GlobProblem = { reason: string };

/** Why a pattern can never work as written (unbalanced brackets, outside the repository), or undefined. */
export function globProblem(glob: string): GlobProblem | undefined {
  const g = normaliseGlob(glob);
  if (!g) return { reason: 'it is empty once the leading / or ./ is removed' };
  if (g.split('/').includes('..')) return { reason: 'it climbs out of the repository with ..; paths are relative to its root' };
  try {
    // Leniently, picomatch reads an unclosed `[`, `{` or `(` as a literal character, which is
    // almost never what the author meant.
    picomatch.makeRe(g, { ...OPTIONS, strictBrackets: true });
  } catch (e) {
    return { reason: e instanceof Error ? e.message : String(e) };
  }
  return undefined;
}

// picomatch builds `*` and `?` from JavaScript's `.`, which stops at line terminators: a file
// the author names `deploy/cart/x\ny.yaml` would escape `deploy/cart/**`, and with it the
// approvals the path needs. Paths and patterns alike see each terminator as an ordinary
// character (one of the private use area, which no name of a tracked file is expected to hold).
const TERMINATORS = /[\n\r\u2028\u2029]/g;
const STAND_IN: Record<string, string> = { '\n': '\ue000', '\r': '\ue001', '\u2028': '\ue002', '\u2029': '\ue003' };
const ordinary = (s: string) => s.replace(TERMINATORS, (c) => STAND_IN[c]!);

/** One matcher for several globs; invalid ones match what picomatch's lenient reading matches. */
export function globMatcher(globs: readonly string[]): (path: string) => boolean {
  const patterns = globs.map(normaliseGlob).filter(Boolean).map(ordinary);
  if (!patterns.length) return () => false;
  const match = picomatch(patterns, OPTIONS);
  return (path) => match(ordinary(path));
}

export function matchingPaths(paths: readonly string[], globs: readonly string[]): string[] {
  const match = globMatcher(globs);
  return paths.filter((p) => match(p));
}
