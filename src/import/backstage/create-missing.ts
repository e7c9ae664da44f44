import { API_VERSION } from '../../core/model.js';
import type { DanglingRef, ReviewItem } from '../report.js';
import type { ImportedFile } from './context.js';

type Missing = 'api' | 'system' | 'domain';
const KINDS: Record<Missing, { kind: ImportedFile['kind']; path: (name: string) => string }> = {
  api: { kind: 'API', path: (n) => `apis/${n}.yaml` },
  system: { kind: 'System', path: (n) => `systems/${n}.yaml` },
  domain: { kind: 'Domain', path: (n) => `systems/domains/${n}.yaml` },
};

/**
 * `import --create-missing`: besides teams, a System, Domain or API for every one the imported
 * documents name and neither the input nor the organisation defines (a component that provides
 * an API the catalog never describes is common). Each is a stub owned by the owner of the first
 * document that names it, every guessed field listed for review; a name whose naming document
 * has no owner stays dangling, since an owner cannot be invented.
 */
export function createMissing(dangling: readonly DanglingRef[], files: readonly { kind: string; name: string; doc: { value: unknown } }[], exists: (kind: string, name: string) => boolean): { files: ImportedFile[]; review: ReviewItem[]; resolved: Set<DanglingRef> } {
  const made = new Map<string, ImportedFile>();
  const review: ReviewItem[] = [];
  const resolved = new Set<DanglingRef>();
  const ownerOf = (target: string): string | undefined => {
    const [space, name] = target.split(':');
    const kind = space === 'service' ? 'Service' : space === 'system' ? 'System' : space === 'ci' ? 'ConfigurationItem' : undefined;
    const f = [...files, ...made.values()].find((x) => x.kind === kind && x.name === name);
    const owner = (f?.doc.value as { spec?: { owner?: unknown } } | undefined)?.spec?.owner;
    return typeof owner === 'string' ? owner : undefined;
  };
  for (const d of dangling) {
    const [space, name] = d.ref.split(':') as [string, string];
    if (!(space in KINDS) || !name) continue;
    const { kind, path } = KINDS[space as Missing];
    if (exists(kind, name)) continue;
    if (made.has(d.ref)) {
      resolved.add(d);
      continue;
    }
    const owner = ownerOf(d.target);
    if (!owner) continue;
    const spec: Record<string, string> = space === 'api' ? { type: 'other', owner, lifecycle: 'experimental' } : { owner };
    made.set(d.ref, {
      path: path(name),
      source: d.source,
      apiVersion: API_VERSION,
      kind,
      name,
      doc: {
        value: { apiVersion: API_VERSION, kind, metadata: { name }, spec },
        comment: [`Created by opsledger import --create-missing: ${d.target} names ${d.written || name} and no input defines it.`, `Owned by ${owner}, the owner of ${d.target}; check the owner${space === 'api' ? ', the type and the lifecycle' : ''}.`],
      },
    });
    resolved.add(d);
    for (const key of Object.keys(spec)) review.push({ target: d.ref, pointer: `/spec/${key}`, value: spec[key], code: `review.${space}-created`, reason: `no ${kind} ${d.written || name} in the input; created for ${d.target}, ${key} guessed`, source: d.source });
  }
  return { files: [...made.values()], review, resolved };
}
