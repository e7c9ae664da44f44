#!/usr/bin/env node
// The GitHub App's decision on a warm mirror (issue #18: "a decision on a warm mirror within
// the gate's budget" for an organisation of ~45k files).
//
//   npm run build && node bench/app-decision.mjs [S|L]      (default L)
//
// A repository is made from the generated organisation (one commit), a pull request's head
// changes one change request, and a bare mirror is cloned from it, as `opsledger serve` keeps
// one (all cached under bench/.work/app-<size>-<seed>/). In one process, as the App does across
// deliveries, it then times `reviewPullRequest` (the CAB decision, GitHub answered by a stub):
//   1. without the App's caches: what every delivery cost before them;
//   2. the first delivery with the caches (cold: base and head parsed once);
//   3. the same pull request again (a review submitted): both commits from the commit cache;
//   4. a new head (one more change request edited): the base from the commit cache, the head's
//      blobs from the blob cache except the one that changed.
// Each row gives wall time, CPU time and what the caches did. Prints JSON with BENCH_JSON=1.
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureOrg } from './generate.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const size = process.argv[2] ?? 'L';
const seed = Number.parseInt(process.env.BENCH_SEED ?? '1', 10) || 1;
const dist = (rel) => import(pathToFileURL(join(ROOT, 'dist', rel)).href);

const git = (cwd, ...args) => execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, GIT_AUTHOR_DATE: '2026-11-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-11-01T00:00:00Z' } }).trim();
const ident = ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com'];

/** The repository with its base, two heads, and its bare mirror (cached; rebuilt when the organisation is regenerated). */
function ensureRepository() {
  const org = join(BENCH, '.work', `${size}-${seed}`);
  const made = ensureOrg({ size, seed, faults: 0, outDir: org });
  const dir = join(BENCH, '.work', `app-${size}-${seed}`);
  const stamp = join(dir, `ready-${made.manifest.files}-${made.manifest.documents}`);
  const work = join(dir, 'work');
  const mirror = join(dir, 'mirror.git');
  if (!existsSync(stamp)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    process.stderr.write(`making ${work} from ${org} (one commit of ${made.manifest.files} files)...\n`);
    execFileSync('cp', ['-r', org, work]);
    rmSync(join(work, '.opsledger-cache'), { recursive: true, force: true });
    git(work, 'init', '--quiet', '-b', 'main');
    git(work, ...ident, 'add', '-A');
    git(work, ...ident, 'commit', '--quiet', '-m', 'the organisation');
    const changes = readdirSync(join(work, 'changes')).filter((f) => /^CR-\d{4}-\d{4}\.yaml$/.test(f)).sort();
    const edit = (file) => appendFileSync(join(work, 'changes', file), `# reviewed ${file}\n`);
    git(work, 'checkout', '--quiet', '-b', 'pr');
    edit(changes[changes.length - 1]);
    git(work, ...ident, 'commit', '--quiet', '-am', 'head 1');
    edit(changes[changes.length - 2]);
    git(work, ...ident, 'commit', '--quiet', '-am', 'head 2');
    git(dir, 'clone', '--quiet', '--bare', work, mirror);
    execFileSync('touch', [stamp]);
  }
  return { mirror, base: git(mirror, 'rev-parse', 'main'), head1: git(mirror, 'rev-parse', 'pr~1'), head2: git(mirror, 'rev-parse', 'pr'), files: made.manifest.files };
}

const repo = ensureRepository();
const { openGitRepository } = await dist('adapters/git/repository.js');
const { BlobAnalysisCache } = await dist('adapters/git/blob-cache.js');
const { OrganisationsAtRefs, CommitOrganisations } = await dist('app/load-organisation.js');
const { reviewPullRequest } = await dist('app/review-pull-request.js');

const api = { listTeamMembers: async () => [] };
const now = Date.parse('2026-11-22T00:00:00Z');
const caches = { blobs: new BlobAnalysisCache(), organisations: new CommitOrganisations() };

async function decide(label, head, withCaches) {
  const refs = new OrganisationsAtRefs(openGitRepository(repo.mirror, withCaches ? caches : {}));
  const blobsBefore = caches.blobs.stats;
  const orgsBefore = { ...caches.organisations.counts };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const review = await reviewPullRequest({ refs, api, baseRef: repo.base, headRef: head, author: 'someone', headSha: head, reviews: [], commits: [], now });
  const wall = (performance.now() - t0) / 1000;
  const { user, system } = process.cpuUsage(cpu0);
  const b = caches.blobs.stats;
  return {
    label,
    withCaches,
    wall,
    cpu: (user + system) / 1e6,
    rssMB: process.memoryUsage().rss / 1e6,
    subjects: review.subjects.map((s) => s.subject).join(' '),
    blobsParsed: b.parsed - blobsBefore.parsed,
    blobHits: b.hits - blobsBefore.hits,
    commitHits: caches.organisations.counts.hits - orgsBefore.hits,
  };
}

const rows = [];
rows.push(await decide('no caches (before): base and head parsed', repo.head1, false));
rows.push(await decide('first delivery, caches cold', repo.head1, true));
rows.push(await decide('same pull request again (a review)', repo.head1, true));
rows.push(await decide('new head (one more file changed)', repo.head2, true));

const fmt = (x, d = 2) => x.toFixed(d);
const lines = [`## App decision (reviewPullRequest) on a bare mirror of ${size}: ${repo.files} files`, '', '| delivery | wall s | CPU s | blobs parsed | blob hits | commit hits | RSS MB | subjects |', '|---|---:|---:|---:|---:|---:|---:|---|'];
const n = (r, x) => (r.withCaches ? String(x) : '-');
for (const r of rows) lines.push(`| ${r.label} | ${fmt(r.wall)} | ${fmt(r.cpu)} | ${n(r, r.blobsParsed)} | ${n(r, r.blobHits)} | ${n(r, r.commitHits)} | ${fmt(r.rssMB, 0)} | ${r.subjects} |`);
console.log(process.env.BENCH_JSON ? JSON.stringify(rows) : lines.join('\n'));
