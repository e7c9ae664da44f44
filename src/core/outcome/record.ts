import { parseAllDocuments } from 'yaml';
import { analyzeText } from '../analyze.js';
import { nodeBudgetProblem } from '../parse/node-budget.js';
import { plainValue, type AliasBudget } from '../parse/plain-value.js';
import type { Diagnostic } from '../diagnostics.js';
import type { ChangeRequest } from '../model.js';
import type { SchemaRegistry } from '../schema/registry.js';
import { SpliceError, spliceYaml, type KeyOrder, type SpliceEdit } from '../yaml-splice.js';
import { planOutcome, type Outcome, type OutcomeRequest } from './plan.js';
import { refusal, type Refusal } from './refusals.js';

/**
 * Records an outcome in the text of one change file: checks the file, decides whether the
 * change can take the outcome, splices the new status into the text and validates the result
 * with the same schema and rules as `opsledger validate`. Pure (text in, text out), so the CLI
 * can write atomically and a retry after a rebase can run it again on the new text.
 */
export interface RecordInput {
  file: string;
  text: string;
  change: string;
  request: OutcomeRequest;
  now: number;
  registry: SchemaRegistry;
}

export type RecordOutput =
  | { ok: true; text: string; outcome: Outcome; previous?: Outcome; unchanged: boolean }
  | { ok: false; refusals: Refusal[]; diagnostics?: Diagnostic[] };

/** Where new keys go, so a recorded file reads like a hand-written one. */
export const CHANGE_KEY_ORDER: KeyOrder = {
  '': ['apiVersion', 'kind', 'metadata', 'spec', 'status'],
  status: ['phase', 'outcome'],
  'status/outcome': ['result', 'implementedAt', 'failureDetectedAt', 'restoredAt', 'completedAt', 'incidents', 'notes', 'review'],
};

const OUTCOME_FIELDS = ['result', 'implementedAt', 'failureDetectedAt', 'restoredAt', 'incidents'] as const;

const errorsOf = (diagnostics: readonly Diagnostic[]) => diagnostics.filter((d) => d.severity === 'error');

/**
 * Where change `id` sits in `text`: its position among the `yaml` package's documents (the
 * splicer's numbering), or that the file cannot be read within the readers' budgets. Such a
 * file is not built to find out (the node budget is counted on the text first, and values are
 * built in one pass with the alias budget, as the organisation's reader builds them).
 */
const BUDGETS = new Set(['yaml.alias-limit', 'yaml.too-deep']);

export type ChangeLocation = { index: number } | { unreadable: true } | undefined;

export function locateChange(text: string, id: string): ChangeLocation {
  if (nodeBudgetProblem(text)) return { unreadable: true };
  try {
    const budget: AliasBudget = { used: 0 };
    let index = 0;
    for (const doc of parseAllDocuments(text)) {
      const here = index++;
      // The composer gives up on nesting deeper than its stack, leaving a partial document.
      if (doc.errors.some((e) => e.code === 'RESOURCE_EXHAUSTION')) return { unreadable: true };
      const built = plainValue(doc, budget);
      if ('problem' in built && BUDGETS.has(built.problem.code)) return { unreadable: true };
      // A document with another fault (a duplicate key, say) is looked at as written; the
      // record then refuses it with the validator's finding.
      const v = 'value' in built ? (built.value as { kind?: unknown; metadata?: { name?: unknown } } | null) : { kind: doc.get('kind'), metadata: { name: doc.getIn(['metadata', 'name']) } };
      if (v?.kind === 'ChangeRequest' && v.metadata?.name === id) return { index: here };
    }
    return undefined;
  } catch {
    return { unreadable: true };
  }
}

/** The change's position among the `yaml` package's documents, or -1 (also when unreadable). */
export function changeDocumentIndex(text: string, id: string): number {
  const at = locateChange(text, id);
  return at && 'index' in at ? at.index : -1;
}

/**
 * Whether a candidate file is the one to record `id` in: it holds the change, or it mentions
 * the change and cannot be read within budget. The latter is taken, not passed over, so the
 * record is refused with the reader's positioned diagnostic instead of the file being built or
 * the change reported missing.
 */
export function mayHoldChange(text: string, id: string): boolean {
  return locateChange(text, id) !== undefined;
}

function inKeyOrder(outcome: Outcome): Record<string, unknown> {
  const order = CHANGE_KEY_ORDER['status/outcome']!;
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  return Object.fromEntries(Object.entries(outcome).sort(([a], [b]) => rank(a) - rank(b)));
}

export function recordOutcomeInText(input: RecordInput): RecordOutput {
  const before = analyzeText(input.file, input.text, input.registry, { keepValues: true });
  const broken = errorsOf(before.diagnostics);
  if (broken.length) return { ok: false, refusals: [refusal('record.invalid-file', `${broken.length} error(s)`)], diagnostics: broken };
  const record = before.documents.find((d) => d.kind === 'ChangeRequest' && d.name === input.change);
  if (!record) return { ok: false, refusals: [refusal('record.not-found', `${input.change} in ${input.file}`)] };
  const change = before.values?.[record.index] as ChangeRequest;

  const plan = planOutcome(change, input.request, input.now);
  if (!plan.ok) return plan;

  const edits: SpliceEdit[] = [];
  if (change.status?.phase !== 'completed') edits.push({ path: ['status', 'phase'], value: 'completed' });
  // An overridden failure loses fields (its failure times), which only a whole new mapping can say.
  if (plan.overridden) edits.push({ path: ['status', 'outcome'], value: inKeyOrder(plan.outcome) });
  else for (const key of OUTCOME_FIELDS) {
    const value = plan.outcome[key];
    if (value !== undefined && JSON.stringify(value) !== JSON.stringify(plan.previous?.[key])) edits.push({ path: ['status', 'outcome', key], value });
  }
  if (edits.length === 0) return { ok: true, text: input.text, outcome: plan.outcome, ...(plan.previous ? { previous: plan.previous } : {}), unchanged: true };

  let text: string;
  try {
    text = spliceYaml(input.text, changeDocumentIndex(input.text, input.change), edits, CHANGE_KEY_ORDER);
  } catch (e) {
    if (e instanceof SpliceError) return { ok: false, refusals: [refusal('record.cannot-edit', e.message)] };
    throw e;
  }
  const after = errorsOf(analyzeText(input.file, text, input.registry).diagnostics);
  if (after.length) return { ok: false, refusals: [refusal('record.invalid-result', after.map((d) => d.code).join(', '))], diagnostics: after };
  return { ok: true, text, outcome: plan.outcome, ...(plan.previous ? { previous: plan.previous } : {}), unchanged: false };
}
