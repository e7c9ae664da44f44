/**
 * The labels opsledger owns on a pull request: one `risk:<class>` and one `change:<type>` per
 * type of change it carries. They are replaced, not accumulated, so a pull request whose risk
 * went from high to medium does not keep saying high.
 */
export const OWNED_LABEL_PREFIXES = ['risk:', 'change:'] as const;

export function isOwnedLabel(name: string): boolean {
  return OWNED_LABEL_PREFIXES.some((p) => name.toLowerCase().startsWith(p));
}

/**
 * What to take off and what to put on so that the owned labels are exactly `wanted`. Labels
 * people added for their own reasons are never touched; GitHub compares label names without
 * regard to case, and so does this.
 */
export function labelChanges(current: readonly string[], wanted: readonly string[]): { remove: string[]; add: string[] } {
  const want = new Set(wanted.map((l) => l.toLowerCase()));
  const have = new Set(current.map((l) => l.toLowerCase()));
  return {
    remove: current.filter((l) => isOwnedLabel(l) && !want.has(l.toLowerCase())),
    add: [...new Set(wanted)].filter((l) => !have.has(l.toLowerCase())),
  };
}
