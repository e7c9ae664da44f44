import { discover } from './discover.js';
import { repositoryReader } from './read-policy.js';

/**
 * The file that holds change `id`: `changes/<id>.yaml` by convention, else any data file that
 * mentions the id and that `holds` confirms (documents are routed by kind, not folder, so a
 * change may live elsewhere or share a file). The folder scan only runs when the convention
 * is not followed.
 */
export function findChangeFile(root: string, id: string, holds: (file: string, text: string) => boolean, conventional = `changes/${id}.yaml`): string | undefined {
  const reader = repositoryReader(root);
  const read = (rel: string) => {
    const bytes = reader.source(rel);
    return bytes && Buffer.from(bytes).toString('utf8');
  };
  const first = read(conventional);
  if (first !== undefined && holds(conventional, first)) return conventional;
  for (const f of discover(root).files) {
    if (f.rel === conventional) continue;
    const text = read(f.rel);
    if (text?.includes(id) && holds(f.rel, text)) return f.rel;
  }
  return undefined;
}
