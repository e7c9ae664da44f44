/**
 * Path globs as policies write them (`teams/**`, `changes/*.yaml`): `**` crosses folders, `*`
 * and `?` stay inside one path segment. Matching is on repo-relative paths with forward slashes.
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      // `a/**/b` also matches `a/b`; a trailing `**` matches everything below.
      if (glob[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function matchingPaths(paths: readonly string[], globs: readonly string[]): string[] {
  const res = globs.map(globToRegExp);
  return paths.filter((p) => res.some((r) => r.test(p)));
}
