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
  .map((f) => ({ file: f, doc: parse(readFileSync(join(DIR, f), 'utf8')) as { on: Record<string, unknown>; permissions?: unknown; jobs: Record<string, { permissions?: Record<string, string>; steps?: { uses?: string; with?: Record<string, string> }[] }> } }));

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
});
