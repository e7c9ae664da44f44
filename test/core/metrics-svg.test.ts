import { describe, expect, it } from 'vitest';
import type { ChartModel } from '../../src/core/metrics/chart-model.js';
import { CHART_CSS, niceTicks, renderChartSvg } from '../../src/core/metrics/svg.js';

/** The SVG renderer: structure, accessibility, escaping, and nothing that leaves the page. */
const model = (over: Partial<ChartModel> = {}): ChartModel => ({
  id: 'deployments-by-team',
  title: 'Deployments per month by team',
  description: 'Deployments per month by team, 2026-09 to 2026-11: highest 4 in 2026-10.',
  kind: 'bar',
  stacked: true,
  unit: 'count',
  categories: ['2026-09', '2026-10', '2026-11'],
  series: [
    { key: 'checkout', label: 'checkout', values: [2, 3, 0] },
    { key: 'payments', label: 'payments', values: [0, 1, 1] },
  ],
  ...over,
});

const count = (svg: string, re: RegExp) => (svg.match(re) ?? []).length;

describe('renderChartSvg', () => {
  it('is labelled for screen readers by its own title and description', () => {
    const svg = renderChartSvg(model(), { idPrefix: 'team-' });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" class="ol-chart ol-chart-bar"[^>]* role="img" aria-labelledby="team-deployments-by-team-title team-deployments-by-team-desc">/);
    expect(svg).toContain('<title id="team-deployments-by-team-title">Deployments per month by team</title>');
    expect(svg).toContain('<desc id="team-deployments-by-team-desc">Deployments per month by team, 2026-09 to 2026-11: highest 4 in 2026-10.</desc>');
    expect(svg.endsWith('</svg>')).toBe(true);
  });

  it('draws one bar per non-zero value, each with its exact value, coloured by class', () => {
    const svg = renderChartSvg(model());
    // checkout 2, 3 and payments 1, 1: four bars (zeros draw nothing).
    expect(count(svg, /<rect class="ol-chart-bar /g)).toBe(4);
    expect(svg).toContain('<title>checkout, 2026-10: 3</title>');
    expect(svg).toContain('<title>payments, 2026-11: 1</title>');
    expect(count(svg, /class="ol-chart-bar ol-series-1"/g)).toBe(2);
    // Stacked: the October stack reaches 4, so the axis runs to a tick at or above 4.
    expect(svg).toMatch(/<text class="ol-chart-label"[^>]*>4<\/text>/);
  });

  it('breaks a line where there is no data instead of drawing zero', () => {
    const svg = renderChartSvg(model({ kind: 'line', stacked: false, unit: 'ratio', series: [{ key: 'overall', label: 'All', values: [0.5, null, 0.25] }] }));
    const path = /<path class="ol-chart-line ol-series-0" d="([^"]+)"/.exec(svg)![1]!;
    expect(path.split(' ').filter((t) => /^[ML]/.test(t)).map((t) => t[0])).toEqual(['M', 'M']);
    expect(count(svg, /<circle /g)).toBe(2);
    expect(svg).toContain('<title>2026-09: 50%</title>');
  });

  it('escapes every text it is given', () => {
    const hostile = '<script>alert("x")</script> & \'q\'';
    const svg = renderChartSvg(model({ title: hostile, description: hostile, categories: [hostile, 'b', 'c'], series: [{ key: 'x', label: hostile, values: [1, 1, 1] }, { key: 'y', label: 'y', values: [1, 0, 0] }] }));
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;');
  });

  it('refers to nothing outside itself and sets no colours or fonts inline', () => {
    const svg = renderChartSvg(model());
    expect(svg.match(/https?:\/\/[^"]+/g)).toEqual(['http://www.w3.org/2000/svg']);
    expect(svg).not.toMatch(/font-family|fill="#|stroke="#|style=|<script|<image|href=/);
    expect(CHART_CSS).toContain('prefers-color-scheme: dark');
    expect(CHART_CSS).not.toMatch(/url\(|@import|@font-face/);
  });

  it('says so when there is no data', () => {
    const svg = renderChartSvg(model({ series: [] }), { noDataLabel: '데이터 없음' });
    expect(svg).toContain('>데이터 없음</text>');
    expect(count(svg, /<rect class="ol-chart-bar/g)).toBe(0);
  });
});

describe('niceTicks', () => {
  it.each([
    [4, 'count', [0, 1, 2, 3, 4]],
    [7, 'count', [0, 2, 4, 6, 8]],
    [0, 'count', [0, 1]],
    [0.4, 'ratio', [0, 0.25, 0.5, 0.75, 1]],
    // 1h49m of restore time: steps of 30 minutes up to 2h.
    [6540, 'seconds', [0, 1800, 3600, 5400, 7200]],
  ] as const)('%d %s -> %j', (max, unit, ticks) => {
    expect(niceTicks(max, unit)).toEqual(ticks);
  });
});
