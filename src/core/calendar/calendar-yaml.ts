import { Document, isMap, isScalar, isSeq, visit } from 'yaml';
import type { ChangeCalendar } from '../model.js';
import { CALENDAR_SCHEMA_ID, type ImportedWindow } from './import.js';

/**
 * An imported calendar as a YAML file a person reviews before committing: the schema line for
 * editors, a header saying where it came from, and above each window its source and whatever
 * could not be carried over.
 */
export function renderCalendarYaml(calendar: ChangeCalendar, windows: readonly ImportedWindow[], header: readonly string[] = []): string {
  const doc = new Document(calendar);
  doc.commentBefore = [` yaml-language-server: $schema=${CALENDAR_SCHEMA_ID}`, ...header.map((h) => ` ${h}`)].join('\n');
  const spec = doc.get('spec', true);
  const list = isMap(spec) ? spec.get('windows', true) : undefined;
  if (isSeq(list)) {
    list.items.forEach((node, i) => {
      const w = windows[i];
      if (!w || !isMap(node)) return;
      node.commentBefore = [` ${w.source}`, ...w.notes.map((n) => ` note: ${n}`)].join('\n');
    });
  }
  // Dates stay quoted: a YAML 1.1 reader (js-yaml's default schema) turns an unquoted
  // 2026-01-06T01:00:00 into a Date object.
  visit(doc, {
    Scalar(_key, node) {
      if (isScalar(node) && typeof node.value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ lineWidth: 0 });
}
