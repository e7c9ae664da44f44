import { computeMetrics as metricsOf, type MetricsQuery } from '../core/metrics/compute.js';
import type { MetricsReport } from '../core/metrics/types.js';
import type { Organisation } from '../core/organisation.js';
import type { GitRepository } from './ports/git.js';

/**
 * The operations metrics of an organisation over a window, with lead time measured from git
 * (when work on each change's file began). `metrics`, `start` and the catalog's metrics page
 * all come through here, so they quote the same numbers.
 */
export async function computeMetrics(org: Organisation, git: GitRepository, query: Omit<MetricsQuery, 'leadTimeStart'>): Promise<MetricsReport> {
  const starts = await git.leadTimeStarts();
  return metricsOf(org, { ...query, leadTimeStart: (id) => starts.get(org.changes.get(id)?.file ?? '') });
}
