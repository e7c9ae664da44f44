import { API_VERSION } from '../../core/model.js';
import type { DanglingRef, ReviewItem } from '../report.js';
import type { ImportedFile } from './context.js';
import { parseEntityRef } from './entity-ref.js';
import { GITHUB_LOGIN } from './names.js';

/**
 * `import --create-teams`: a Team for every team the imported documents name and neither the
 * input nor the organisation defines (Backstage owners written as `group:default/x`, or
 * `user:y` for a person who owns something directly). A team made for a user has that user as
 * its one member. Each is listed for review: it has no contacts and no on-call yet.
 */
export function createTeams(dangling: readonly DanglingRef[], exists: (name: string) => boolean): { files: ImportedFile[]; review: ReviewItem[]; resolved: Set<DanglingRef> } {
  const files: ImportedFile[] = [];
  const review: ReviewItem[] = [];
  const resolved = new Set<DanglingRef>();
  const made = new Map<string, ImportedFile>();
  for (const d of dangling) {
    if (!d.ref.startsWith('team:')) continue;
    const name = d.ref.slice('team:'.length);
    if (exists(name)) continue;
    resolved.add(d);
    let file = made.get(name);
    if (file && d.member) {
      // Another member of a team already made for someone else.
      const spec = (file.doc.value as { spec: { members?: string[] } }).spec;
      if (!spec.members?.includes(d.member)) spec.members = [...(spec.members ?? []), d.member];
      continue;
    }
    if (!file) {
      const written = parseEntityRef(d.written, { defaultKind: 'group' });
      const user = written?.kind?.toLowerCase() === 'user' ? written.name : undefined;
      const login = d.member ?? (user && GITHUB_LOGIN.test(user) ? user : undefined);
      const spec: { members?: string[] } = login ? { members: [login] } : {};
      file = {
        path: `teams/${name}.yaml`,
        source: d.source,
        apiVersion: API_VERSION,
        kind: 'Team',
        name,
        doc: {
          value: { apiVersion: API_VERSION, kind: 'Team', metadata: { name }, spec },
          comment: [`Created by opsledger import --create-teams: ${d.target} names ${d.written || name} as ${d.member ? 'a group it is a member of' : 'its owner'} and no input defines it.`, 'Add its members, contacts and on-call.'],
        },
      };
      made.set(name, file);
      files.push(file);
      review.push({ target: `team:${name}`, pointer: '/spec', value: spec, code: 'review.team-created', reason: `no Group ${d.written || name} in the input; a team was created for ${d.target}${login ? ` with ${login} as its member` : ''}`, source: d.source });
    }
  }
  return { files, review, resolved };
}
