import { formatChartValue, type ChartModel, type ChartUnit } from './chart-model.js';

/**
 * Draws a chart model as a self-contained inline SVG: axes with gridlines and tick labels, bars
 * (stacked or side by side) or lines with points, a legend, and <title>/<desc> for screen
 * readers (each bar and point also carries a <title> with its exact value). No fonts, scripts
 * or outside references; every text is escaped; colours come from CSS classes (CHART_CSS), so a
 * page's dark mode recolours the chart without redrawing it.
 */
export interface SvgOptions {
  width?: number;
  height?: number;
  /** Prefixed to every id in the SVG, for pages that show the same chart twice. */
  idPrefix?: string;
  /** Shown in an empty chart. */
  noDataLabel?: string;
}

/** Series colours cycle through this many classes (ol-series-0 .. ol-series-7). */
export const SERIES_CLASSES = 8;

/** Default styles for the classes the SVG uses; a page may override the custom properties. */
export const CHART_CSS = `
.ol-chart { --ol-chart-fg: #1f2328; --ol-chart-muted: #59636e; --ol-chart-grid: #d1d9e0;
  --ol-series-0: #0969da; --ol-series-1: #bf3989; --ol-series-2: #1a7f37; --ol-series-3: #9a6700;
  --ol-series-4: #8250df; --ol-series-5: #cf222e; --ol-series-6: #0a7b83; --ol-series-7: #6e7781;
  font: inherit; font-size: 12px; color: var(--ol-chart-fg); max-width: 100%; height: auto; }
@media (prefers-color-scheme: dark) {
  .ol-chart { --ol-chart-fg: #f0f6fc; --ol-chart-muted: #9198a1; --ol-chart-grid: #3d444d;
    --ol-series-0: #4493f8; --ol-series-1: #db61a2; --ol-series-2: #3fb950; --ol-series-3: #d29922;
    --ol-series-4: #ab7df8; --ol-series-5: #f85149; --ol-series-6: #39c5cf; --ol-series-7: #9198a1; }
}
.ol-chart-label { fill: var(--ol-chart-muted); }
.ol-chart-axis { stroke: var(--ol-chart-muted); stroke-width: 1; }
.ol-chart-grid { stroke: var(--ol-chart-grid); stroke-width: 1; }
.ol-chart-empty { fill: var(--ol-chart-muted); }
${Array.from({ length: SERIES_CLASSES }, (_, i) => `.ol-series-${i} { fill: var(--ol-series-${i}); stroke: var(--ol-series-${i}); }`).join('\n')}
.ol-chart-line { fill: none; stroke-width: 2; }
.ol-chart-bar { stroke: none; }
`.trim();

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeXml(text: string): string {
  // Characters XML 1.0 cannot hold at all are dropped rather than escaped.
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function domId(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'chart';
}

const num = (x: number) => String(Math.round(x * 10) / 10);

/** A "nice" axis: 0 to a round maximum in 4-5 steps of 1, 2 or 5 x 10^n (ratios stop at 100%). */
export function niceTicks(max: number, unit: ChartUnit): number[] {
  if (unit === 'ratio') return [0, 0.25, 0.5, 0.75, 1];
  if (!(max > 0)) return unit === 'count' ? [0, 1] : [0, 3600];
  const units = unit === 'seconds' ? [60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800] : [];
  const raw = max / 4;
  let step: number;
  if (units.length && raw <= units[units.length - 1]!) step = units.find((u) => u >= raw)!;
  else {
    const mag = 10 ** Math.floor(Math.log10(raw));
    step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
    if (unit === 'count') step = Math.max(1, Math.ceil(step));
  }
  const ticks: number[] = [];
  for (let t = 0; t < max + step; t += step) ticks.push(t);
  return ticks;
}

export function renderChartSvg(model: ChartModel, options: SvgOptions = {}): string {
  const width = options.width ?? 640;
  const id = domId(`${options.idPrefix ?? ''}${model.id}`);
  const legendRows = model.series.length > 1 ? Math.ceil(model.series.length / 4) : 0;
  const height = (options.height ?? 300) + legendRows * 18;
  const m = { left: 56, right: 16, top: 16, bottom: 40 + legendRows * 18 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const n = model.categories.length;

  const totals = model.categories.map((_, i) =>
    model.stacked ? model.series.reduce((a, s) => a + (s.values[i] ?? 0), 0) : Math.max(0, ...model.series.map((s) => s.values[i] ?? 0)),
  );
  const ticks = niceTicks(Math.max(0, ...totals), model.unit);
  const top = ticks[ticks.length - 1]!;
  const y = (v: number) => m.top + plotH - (v / top) * plotH;
  const band = n ? plotW / n : plotW;
  const cx = (i: number) => m.left + band * i + band / 2;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="ol-chart ol-chart-${model.kind}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${id}-title ${id}-desc">`,
    `<title id="${id}-title">${escapeXml(model.title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(model.description)}</desc>`,
  );

  // Gridlines and y tick labels.
  out.push('<g class="ol-chart-y" aria-hidden="true">');
  for (const t of ticks) {
    out.push(`<line class="ol-chart-grid" x1="${m.left}" x2="${width - m.right}" y1="${num(y(t))}" y2="${num(y(t))}"/>`);
    out.push(`<text class="ol-chart-label" x="${m.left - 6}" y="${num(y(t) + 4)}" text-anchor="end">${escapeXml(formatChartValue(t, model.unit))}</text>`);
  }
  out.push('</g>');

  // x axis and category labels (thinned so they never overlap).
  const every = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(plotW / 56))));
  out.push('<g class="ol-chart-x" aria-hidden="true">', `<line class="ol-chart-axis" x1="${m.left}" x2="${width - m.right}" y1="${m.top + plotH}" y2="${m.top + plotH}"/>`);
  model.categories.forEach((c, i) => {
    if (i % every === 0) out.push(`<text class="ol-chart-label" x="${num(cx(i))}" y="${m.top + plotH + 16}" text-anchor="middle">${escapeXml(c)}</text>`);
  });
  out.push('</g>');

  const hasData = model.series.some((s) => s.values.some((v) => v !== null && v !== 0));
  if (!hasData) {
    out.push(`<text class="ol-chart-empty" x="${num(m.left + plotW / 2)}" y="${num(m.top + plotH / 2)}" text-anchor="middle">${escapeXml(options.noDataLabel ?? 'No data')}</text>`);
  } else if (model.kind === 'bar') {
    out.push(...bars(model, { band, plotTop: m.top, y, cx }));
  } else {
    out.push(...lines(model, { y, cx }));
  }

  if (legendRows) {
    const colW = plotW / 4;
    out.push('<g class="ol-chart-legend">');
    model.series.forEach((s, i) => {
      const lx = m.left + (i % 4) * colW;
      const ly = height - legendRows * 18 + Math.floor(i / 4) * 18 - 4;
      out.push(`<rect class="ol-series-${i % SERIES_CLASSES}" x="${num(lx)}" y="${ly - 9}" width="10" height="10"/>`);
      out.push(`<text class="ol-chart-label" x="${num(lx + 14)}" y="${ly}">${escapeXml(s.label)}</text>`);
    });
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('\n');
}

interface Geometry {
  band: number;
  plotTop: number;
  y(v: number): number;
  cx(i: number): number;
}

function point(model: ChartModel, seriesLabel: string, i: number, v: number): string {
  const who = model.series.length > 1 ? `${seriesLabel}, ` : '';
  return `<title>${escapeXml(`${who}${model.categories[i]}: ${formatChartValue(v, model.unit)}`)}</title>`;
}

function bars(model: ChartModel, g: Geometry): string[] {
  const out: string[] = ['<g class="ol-chart-bars">'];
  const inner = g.band * 0.7;
  const base = g.y(0);
  model.categories.forEach((_, i) => {
    let stack = 0;
    model.series.forEach((s, k) => {
      const v = s.values[i];
      if (v === null || v === undefined || v <= 0) return;
      const w = model.stacked ? inner : inner / model.series.length;
      const x = g.cx(i) - inner / 2 + (model.stacked ? 0 : w * k);
      const top = g.y(stack + v);
      const bottom = model.stacked ? g.y(stack) : base;
      if (model.stacked) stack += v;
      out.push(`<rect class="ol-chart-bar ol-series-${k % SERIES_CLASSES}" x="${num(x)}" y="${num(top)}" width="${num(Math.max(w - 1, 1))}" height="${num(Math.max(bottom - top, 0))}">${point(model, s.label, i, v)}</rect>`);
    });
  });
  out.push('</g>');
  return out;
}

function lines(model: ChartModel, g: Pick<Geometry, 'y' | 'cx'>): string[] {
  const out: string[] = ['<g class="ol-chart-lines">'];
  model.series.forEach((s, k) => {
    const cls = `ol-series-${k % SERIES_CLASSES}`;
    // A gap (null) breaks the line: months without data are not zero.
    let d = '';
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${num(g.cx(i))} ${num(g.y(v))} `;
      pen = true;
    });
    if (d) out.push(`<path class="ol-chart-line ${cls}" d="${d.trim()}"/>`);
    s.values.forEach((v, i) => {
      if (v !== null) out.push(`<circle class="${cls}" cx="${num(g.cx(i))}" cy="${num(g.y(v))}" r="3.5">${point(model, s.label, i, v)}</circle>`);
    });
  });
  out.push('</g>');
  return out;
}
