import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../helpers/org.js';

/**
 * The repository's own workflows keep least privilege: no workflow-wide grants, every job
 * names its permissions, no pull_request_target, and the jobs that write to pull requests run
 * the action from the default branch rather than the pull request's code.
 */
const DIR = join(PROJECT_ROOT, '.github', 'workflows');
const workflows = readdirSync(DIR)
  .filter((f) => f.endsWith('.yml'))
  .map((f) => ({ file: f, doc: parse(readFileSync(join(DIR, f), 'utf8')) as { on: Record<string, unknown>; permissions?: unknown; concurrency?: { group?: string; 'cancel-in-progress'?: boolean }; jobs: Record<string, { permissions?: Record<string, string>; steps?: { uses?: string; with?: Record<string, string> }[] }> } }));

/**
 * The majors of GitHub's own actions that run on node24 (checkout v7 and setup-node v7 are the
 * current ones; the Pages actions' node24 majors are v5). Older majors run on node20, which
 * hosted runners no longer have.
 */
const CURRENT_MAJOR: Record<string, number> = { 'actions/checkout': 7, 'actions/setup-node': 7, 'actions/upload-pages-artifact': 5, 'actions/deploy-pages': 5 };
const shipped = [...workflows.map((w) => ({ file: `.github/workflows/${w.file}`, text: readFileSync(join(DIR, w.file), 'utf8') })), ...readdirSync(join(PROJECT_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => ({ file: `docs/${f}`, text: readFileSync(join(PROJECT_ROOT, 'docs', f), 'utf8') })), { file: 'README.md', text: readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8') }];
const actionUses = shipped.flatMap(({ file, text }) => [...text.matchAll(/uses:\s*['"]?(actions\/[\w-]+)@v(\d+)/g)].map((m) => ({ file, action: m[1]!, major: Number(m[2]) })));

describe('.github/workflows', () => {
  it('has the pull-request, cab, deploy and catalog workflows', () => {
    expect(workflows.map((w) => w.file).sort()).toEqual(['cab.yml', 'catalog.yml', 'deploy.yml', 'pull-request.yml']);
    expect(Object.keys(workflows.find((w) => w.file === 'cab.yml')!.doc.on)).toEqual(['pull_request_review']);
  });

  it.each(workflows)('$file grants nothing workflow-wide and names every job\'s permissions', ({ doc }) => {
    expect(doc.permissions).toEqual({});
    expect(Object.keys(doc.on)).not.toContain('pull_request_target');
    for (const job of Object.values(doc.jobs)) expect(job.permissions).toBeDefined();
  });

  it('runs the judging action from the default branch in jobs that write to pull requests', () => {
    for (const { doc } of workflows.filter((w) => ['pull-request.yml', 'cab.yml'].includes(w.file))) {
      for (const job of Object.values(doc.jobs)) {
        const writes = Object.entries(job.permissions ?? {}).some(([k, v]) => v === 'write' && k !== 'contents');
        if (!writes) continue;
        const action = job.steps!.find((s) => s.uses?.startsWith('./'));
        expect(action?.uses).toBe('./.opsledger-tool');
        const tool = job.steps!.find((s) => s.with?.path === '.opsledger-tool');
        expect(tool?.with?.ref).toContain('default_branch');
      }
    }
  });

  it('uses GitHub actions in a node24 major wherever a workflow or a doc names one', () => {
    expect(actionUses.length).toBeGreaterThan(0);
    for (const u of actionUses) {
      expect(CURRENT_MAJOR[u.action], `${u.file}: ${u.action} has no known node24 major`).toBeDefined();
      expect(u.major, `${u.file}: ${u.action}@v${u.major}`).toBeGreaterThanOrEqual(CURRENT_MAJOR[u.action]!);
    }
  });

  it.each(workflows.filter((w) => Object.keys(w.doc.on).some((e) => e.startsWith('pull_request'))))('$file runs one pull request at a time', ({ doc }) => {
    expect(doc.concurrency?.group).toContain('github.event.pull_request.number');
    expect(doc.concurrency?.['cancel-in-progress']).toBe(true);
  });
});
