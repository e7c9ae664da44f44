/** From this many files on, analysis runs in worker threads; below it, on the main thread. Apart from the pool so that a run which parses nothing does not load the analysis to learn it. */
export const PARALLEL_THRESHOLD = 600;
