import type { IncidentSeverity } from '../model.js';

/**
 * What `recentIncidents` means when the policy leaves a field out (documented in the policy
 * schema). Apart from the factor so the policy's own checks read it without the risk engine.
 */
export const RECENT_INCIDENTS_DEFAULTS = { within: '30d', severities: ['sev1', 'sev2'] as IncidentSeverity[] };
