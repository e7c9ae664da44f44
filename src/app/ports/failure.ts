/**
 * A failure a use case reports with its reason (GitHub down, a commit missing from a shallow
 * clone, a base without a policy) rather than as an internal error. Adapters throw subclasses
 * with a stable code; the gate turns any of them into a denying check, other commands into
 * exit 1 with the reason. Callers branch on the class, never on message text.
 */
export class ExpectedFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function knownFailure(e: unknown): { code: string; detail: string } | undefined {
  return e instanceof ExpectedFailure ? { code: e.code, detail: e.message } : undefined;
}
