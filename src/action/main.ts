import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOwnText } from '../adapters/fs/read-policy.js';
import * as core from '@actions/core';
import { run } from '../cli/main.js';

/**
 * The GitHub Action's entry point (bundled into action/bundle/main/index.js): turns the
 * action's inputs into one opsledger command, runs it in this process, and turns its report
 * file into the action's outputs. The commands themselves know nothing of the action.
 */
const COMMANDS = ['pr', 'gate', 'validate', 'catalog', 'cab'] as const;
type ActionCommand = (typeof COMMANDS)[number];

function argsFor(command: ActionCommand, report: string): string[] {
  const root = core.getInput('root') || '.';
  const change = core.getInput('change');
  const environment = core.getInput('environment');
  switch (command) {
    case 'validate':
      return ['validate', '--root', root, '--format', 'github'];
    case 'pr':
      return ['pr', '--root', root, '--report', report];
    case 'cab':
      return ['cab', '--root', root];
    case 'catalog':
      return ['catalog', '--root', root, '--out', core.getInput('out') || 'site'];
    case 'gate': {
      const rule = process.env.GITHUB_EVENT_NAME === 'deployment_protection_rule';
      return ['gate', ...(change ? [change] : []), '--root', root, '--report', report, ...(environment ? ['--env', environment] : []), ...(rule ? ['--protection-rule'] : [])];
    }
  }
}

export async function main(): Promise<void> {
  const command = core.getInput('command', { required: true }) as ActionCommand;
  if (!COMMANDS.includes(command)) {
    core.setFailed(`unknown command "${command}"; use one of ${COMMANDS.join(', ')}`);
    return;
  }
  const token = core.getInput('token');
  if (token) core.setSecret(token);
  const report = join(process.env.RUNNER_TEMP || tmpdir(), `opsledger-${command}-${process.pid}.json`);
  const env = { ...process.env, ...(token ? { GITHUB_TOKEN: token } : {}) };
  const code = await run(argsFor(command, report), { env });

  if (existsSync(report)) {
    core.setOutput('report', report);
    const data = JSON.parse(readOwnText(report)) as { allowed?: boolean; riskClass?: string | null; readOnly?: string };
    if (typeof data.allowed === 'boolean') core.setOutput('allowed', String(data.allowed));
    if (typeof data.riskClass === 'string') core.setOutput('risk-class', data.riskClass);
    // A fork's pull request: the run is neutral, and the annotation on the run says why.
    if (typeof data.readOnly === 'string') core.notice(data.readOnly, { title: 'opsledger wrote nothing to this pull request' });
  }
  if (code !== 0) core.setFailed(`opsledger ${command} ${command === 'gate' && code === 1 ? 'denied the deploy' : `exited with ${code}`}`);
}

main().catch((e: unknown) => core.setFailed(`opsledger: ${(e as Error)?.message ?? String(e)}`));
