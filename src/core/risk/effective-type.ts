import { RISK_CLASSES, type ChangeRequest, type ChangeType, type RiskClass } from '../model.js';
import { activePolicy, type Organisation } from '../organisation.js';
import { canonicalEnvironment } from '../environments.js';
import { filledPaths, missingFields } from '../required-fields.js';
import { phrase, type Phrase } from '../phrase.js';

/**
 * A standard change is pre-approved only inside its template: the template must exist, cover
 * every service, CI class and the environment the change names, and allow the change's risk
 * class. Outside it the change is an ordinary normal change, for every command.
 */
export interface TypeDecision {
  type: ChangeType;
  /** Why a standard change is treated as normal. */
  demotion?: Phrase;
}

/** Does a standard change's template cover it? The reason when it does not. */
export function templateGap(org: Organisation, change: ChangeRequest): Phrase | undefined {
  const name = change.spec.template;
  const template = name ? org.templates.get(name)?.doc : undefined;
  if (!template) return name ? phrase('template.missing', { name }) : phrase('template.none');
  const covers = template.spec.covers;
  const service = (change.spec.services ?? []).find((s) => covers.services && !covers.services.includes(s));
  if (service) return phrase('template.service', { name: name!, service });
  for (const c of change.spec.configurationItems ?? []) {
    const cls = org.cis.get(c)?.doc.spec.class;
    if (covers.ciClasses && cls && !covers.ciClasses.includes(cls)) return phrase('template.ci', { name: name!, ci: c, class: cls });
  }
  const missing = missingFields(filledPaths(change.spec), template.spec.requiredFields);
  if (missing.length) return phrase('template.requiredFields', { name: name!, fields: missing });
  // Compared by canonical name, so a template covering `prod` covers a change written `production`.
  const policy = activePolicy(org)?.doc.spec;
  const canonical = (e: string) => (policy ? canonicalEnvironment(policy, e) : e);
  const environment = canonical(change.spec.environment);
  if (covers.environments && !covers.environments.some((e) => canonical(e) === environment)) return phrase('template.environment', { name: name!, environment });
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
  if (!classAsStandard) return { type: 'normal', demotion: phrase('template.noPolicy', { name, max: phrase(`riskClass.${max}`) }) };
  const cls = classAsStandard();
  if (RISK_CLASSES.indexOf(cls) > RISK_CLASSES.indexOf(max)) return { type: 'normal', demotion: phrase('template.tooRisky', { class: phrase(`riskClass.${cls}`), name, max: phrase(`riskClass.${max}`) }) };
  return { type: 'standard' };
}
