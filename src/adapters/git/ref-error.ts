import { ExpectedFailure } from '../../app/ports/failure.js';

// Apart from changed-files.ts (and simple-git): commands name this failure without asking git anything.
export class GitRefError extends ExpectedFailure {
  constructor(
    readonly ref: string,
    readonly detail: string,
  ) {
    super('git.missing', `cannot compare with ${ref}: ${detail}`);
    this.name = 'GitRefError';
  }
}
