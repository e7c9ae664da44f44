import { addTimelineEntry, holdsIncident, timelineRefusal, type TimelineOutput } from '../core/incidents/timeline.js';
import type { IncidentStatus, TimelineEntry } from '../core/model.js';
import type { SchemaRegistry } from '../core/schema/registry.js';
import { didYouMean } from '../core/suggest.js';
import { InputError } from './errors.js';
import type { Workspace } from './ports/workspace.js';

/** Decisions redone when the file changed under one before it could be written. */
const EDIT_RETRIES = 3;

export interface TimelineOptions {
  incident: string;
  entry: TimelineEntry;
  status?: IncidentStatus;
  registry: SchemaRegistry;
}

/**
 * Adds a timeline entry to an incident's file as `record` writes an outcome: holding the file's
 * lock, reading it afresh, deciding on that text and replacing the file whole, so entries added
 * at once by several responders all land and none is written over.
 */
export async function addIncidentTimelineEntry(ws: Workspace, options: TimelineOptions): Promise<{ file: string; out: TimelineOutput }> {
  const id = options.incident;
  const file = ws.findIncidentFile(id, (_f, text) => holdsIncident(text, id));
  if (!file) {
    const read = await ws.source.read({ threads: 1 });
    const ids = read.analyses.flatMap((a) => a.documents.filter((d) => d.kind === 'Incident').map((d) => d.name));
    const hint = didYouMean(id, ids);
    throw new InputError(`no incident ${id}${hint ? `; ${hint}` : ''}`);
  }
  const once = (): TimelineOutput => {
    for (let attempt = 0; attempt < EDIT_RETRIES; attempt++) {
      const text = ws.readText(file);
      if (text === undefined) return { ok: false, refusals: [timelineRefusal('timeline.unreadable', file)] };
      const out = addTimelineEntry({ file, text, incident: id, entry: options.entry, status: options.status, registry: options.registry });
      if (!out.ok) return out;
      // The lock keeps other opsledger processes out, not an editor: the file must still be what the decision was made on.
      if (ws.readText(file) !== text) continue;
      ws.writeText(file, out.text);
      return out;
    }
    return { ok: false, refusals: [timelineRefusal('timeline.conflict', file)] };
  };
  const locked = await ws.withFileLock(file, once);
  return { file, out: locked.ok ? locked.value : { ok: false, refusals: [timelineRefusal('timeline.locked', `held by ${locked.holder}`)] } };
}
