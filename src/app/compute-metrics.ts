import { computeMetrics as metricsOf, type MetricsQuery } from '../core/metrics/compute.js';
import type { MetricsReport } from '../core/metrics/types.js';
import type { Organisation } from '../core/organisation.js';
import { submissionTimes } from './assess-risk.js';
import type { GitRepository } from './ports/git.js';

/**
 * The operations metrics of an organisation over a window, with lead time measured from git:
 * from when the work that submitted each change began, as `submissionTimes` (the one answer
 * risk and the gate use) gives it. An unknown submission (a shallow clone) is an unknown lead
 * time. `metrics`, `start` and the catalog's metrics page all come through here, so they quote
 * the same numbers.
 */
export async function computeMetrics(org: Organisation, git: GitRepository, query: Omit<MetricsQuery, 'leadTimeStart'>): Promise<MetricsReport> {
  const submitted = submissionTimes(org, await git.documentOrigins());
  return metricsOf(org, {
    ...query,
    leadTimeStart: (id) => {
      const s = submitted(id);
      return s && 'at' in s ? s.workStartedAt : undefined;
    },
  });
}
