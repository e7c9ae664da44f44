/** The long steps a command can report on: reading the organisation's files, writing catalog pages, checking imported documents. */
export type ProgressStep = 'read' | 'render' | 'import';

/**
 * How far a long step has got: `done` of `total` items. Called as items finish, possibly
 * thousands of times a second; the receiver decides what, if anything, to show. A use case
 * handed none reports nothing.
 */
export type ProgressReport = (step: ProgressStep, done: number, total: number) => void;
