import { CHUNK_CHARS, jsonArrayChunks, jsonChunks } from '../report/json-chunks.js';
import type { CommandContext } from './context.js';

/**
 * Writing a command's output piece by piece. An output can be larger than any one string
 * (risk reports of a whole organisation) or larger than the memory left once it is computed,
 * so commands hand over pieces; they are gathered into chunks of about 64 KiB, each written
 * with ctx.stdout, and before the next one the writer waits until stdout has taken it
 * (ctx.drain). The same code serves the process and in-process capture (tests pass a stdout
 * that collects and no drain): only the chunking differs, never the bytes.
 */
export async function writeOut(ctx: CommandContext, pieces: Iterable<string>): Promise<boolean> {
  let pending = '';
  for (const piece of pieces) {
    pending += piece;
    if (pending.length < CHUNK_CHARS) continue;
    ctx.stdout(pending);
    pending = '';
    // Stop computing output nobody reads: a closed stdout ends the writing.
    if (ctx.drain && !(await ctx.drain())) return false;
  }
  if (pending) ctx.stdout(pending);
  return ctx.drain ? ctx.drain() : true;
}

/** The value as `JSON.stringify(value, null, 2)` and a newline, written in chunks. */
export function writeJson(ctx: CommandContext, value: unknown): Promise<boolean> {
  return writeOut(ctx, withNewline(jsonChunks(value)));
}

/** `JSON.stringify([...items], null, 2)` and a newline, each item taken only when it is written. */
export function writeJsonArray(ctx: CommandContext, items: Iterable<unknown>): Promise<boolean> {
  return writeOut(ctx, withNewline(jsonArrayChunks(items)));
}

function* withNewline(pieces: Iterable<string>): Generator<string> {
  yield* pieces;
  yield '\n';
}

/** Pieces with a separator between each two (Array#join, without building the whole string). */
export function* joined<T>(items: Iterable<T>, render: (item: T) => string, separator: string): Generator<string> {
  let first = true;
  for (const item of items) {
    if (!first) yield separator;
    first = false;
    yield render(item);
  }
}

interface DrainableStream {
  writableNeedDrain: boolean;
  destroyed: boolean;
  writableEnded: boolean;
  once(event: 'drain' | 'close' | 'error', listener: () => void): unknown;
  off(event: 'drain' | 'close' | 'error', listener: () => void): unknown;
}

/**
 * ctx.drain for a stream: true at once while it has room; otherwise once it drains, or false
 * when it closes or fails first (a reader that went away must not leave the command waiting).
 */
export function drainOf(stream: DrainableStream): () => Promise<boolean> {
  return () => {
    if (stream.destroyed || stream.writableEnded) return Promise.resolve(false);
    if (!stream.writableNeedDrain) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const settle = (open: boolean) => () => {
        stream.off('drain', onDrain);
        stream.off('close', onClose);
        stream.off('error', onClose);
        resolve(open);
      };
      const onDrain = settle(true);
      const onClose = settle(false);
      stream.once('drain', onDrain);
      stream.once('close', onClose);
      stream.once('error', onClose);
    });
  };
}
