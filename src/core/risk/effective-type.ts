import { RISK_CLASSES, type ChangeRequest, type ChangeType, type RiskClass } from '../model.js';
import type { Organisation } from '../organisation.js';

/**
 * A standard change is pre-approved only inside its template: the template must exist, cover
 * every service, CI class and the environment the change names, and allow the change's risk
 * class. Outside it the change is an ordinary normal change, for every command.
 */
export interface TypeDecision {
  type: ChangeType;
  /** Why a standard change is treated as normal. */
  demotion?: string;
}

/** Does a standard change's template cover it? The reason when it does not. */
export function templateGap(org: Organisation, change: ChangeRequest): string | undefined {
  const name = change.spec.template;
  const template = name ? org.templates.get(name)?.doc : undefined;
  if (!template) return name ? `template ${name} does not exist` : 'no template named';
  const covers = template.spec.covers;
  const service = (change.spec.services ?? []).find((s) => covers.services && !covers.services.includes(s));
  if (service) return `template ${name} does not cover service ${service}`;
  for (const c of change.spec.configurationItems ?? []) {
    const cls = org.cis.get(c)?.doc.spec.class;
    if (covers.ciClasses && cls && !covers.ciClasses.includes(cls)) return `template ${name} does not cover ${c} (${cls})`;
  }
  if (covers.environments && !covers.environments.includes(change.spec.environment)) return `template ${name} does not cover ${change.spec.environment}`;
  return undefined;
}

/**
 * The decision, given the change's risk class as a standard change (asked only when the
 * template caps it). No class at all (no Policy to score with) cannot show the change within
 * the cap, so it is not pre-approved: the safe reading for a freeze that lets standard changes by.
 */
export function decideType(org: Organisation, change: ChangeRequest, classAsStandard: (() => RiskClass) | undefined): TypeDecision {
  const declared = change.spec.type;
  if (declared !== 'standard') return { type: declared };
  const gap = templateGap(org, change);
  if (gap) return { type: 'normal', demotion: gap };
  const name = change.spec.template!;
  const max = org.templates.get(name)?.doc.spec.maxRisk;
  if (max === undefined) return { type: 'standard' };
  if (!classAsStandard) return { type: 'normal', demotion: `without a Policy the risk cannot be shown within template ${name}'s maximum ${max}` };
  const cls = classAsStandard();
  if (RISK_CLASSES.indexOf(cls) > RISK_CLASSES.indexOf(max)) return { type: 'normal', demotion: `risk ${cls} exceeds template ${name}'s maximum ${max}` };
  return { type: 'standard' };
}
