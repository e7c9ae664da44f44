import { CHART_CSS } from '../core/metrics/svg.js';
import { readdirSync } from 'node:fs';
import { readOwnFile, readOwnText } from '../adapters/fs/read-policy.js';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { PACKAGE_ROOT } from '../adapters/fs/package-root.js';
import { message, phraseMessage, valueMessage, type Locale } from './messages.js';
import type { Phrase } from '../core/phrase.js';

/**
 * The catalog's handlebars templates, read from templates/catalog/ at the package root (the
 * same place from src/ under vitest and from dist/ when installed). layout.hbs is the page
 * around every page's body, pages/ the bodies, partials/ shared pieces, assets/ static files
 * shipped as they are.
 *
 * Templates only ever use {{ }}: handlebars escapes every value, so a title such as
 * `<script>` is printed, never run. The one unescaped value is the layout's `@body`, which is
 * the output of our own page template, never data.
 */
export const TEMPLATE_DIR = join(PACKAGE_ROOT, 'templates', 'catalog');

/**
 * Renders a page: its view model is the template's context, and everything shared by all
 * pages (base path, navigation, locale, the service graph's layout...) comes as @data. The
 * view model is never copied into a merged context: a copied 30-property object per page was,
 * at 80k pages, several hundred megabytes of garbage that V8 promoted to the old generation.
 */
export type RenderPage = (template: string, page: object, bodyData: Record<string, unknown>, layoutData: Record<string, unknown>) => string;

function readFolder(folder: string, ext: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(join(TEMPLATE_DIR, folder)).sort()) {
    if (name.endsWith(ext)) out.set(name.slice(0, -ext.length), readOwnText(join(TEMPLATE_DIR, folder, name)));
  }
  return out;
}

/** Partials that may be written into their callers: no arguments, nothing outside their context. */
const EXPANDABLE = (source: string) => !/\.\.\/|@root|@partial-block|\{\{#>|\{\{#\*inline| as \|/.test(source);
const CALL = /\{\{>\s*([A-Za-z][\w-]*)\s*\}\}/g;

/**
 * Writes argument-free partials into the templates that use them, before compiling: handlebars
 * spends microseconds on every partial call (the context and options copied, the partial's own
 * set-up), and an 80k-page site makes millions of `ref` and `link` calls. A call alone on its
 * line is left as a call: handlebars treats it as standalone and drops that line's indentation
 * and newline, which the written-in text would keep. The rendered pages are the same byte for
 * byte either way (the threads test and the template tests render the example site).
 */
export function expandPartials(source: string, partials: ReadonlyMap<string, string>, depth = 0): string {
  if (depth > 8) return source;
  return source
    .split('\n')
    .map((line) => {
      if (/^\s*\{\{>[^}]*\}\}\s*$/.test(line)) return line;
      return line.replace(CALL, (call, name: string) => {
        const body = partials.get(name);
        return body !== undefined && EXPANDABLE(body) ? expandPartials(body, partials, depth + 1) : call;
      });
    })
    .join('\n');
}

/** `{{t "key"}}`: a literal key, no arguments, neither triple-stashed nor trimmed. */
const FIXED_MESSAGE = /(?<!\{)\{\{t\s+"([\w.-]+)"\s*\}\}(?!\})/g;

/**
 * Writes every fixed message into the template as the escaped text the helper would print:
 * an 80k-page site otherwise makes millions of helper calls (each with its own options object)
 * for words that are the same on every page. Text that handlebars would read as syntax stays a
 * call. An unknown key fails the compile rather than the first page that uses it.
 */
export function inlineMessages(source: string, translate: (key: string) => string): string {
  return source.replace(FIXED_MESSAGE, (call, key: string) => {
    const text = Handlebars.escapeExpression(translate(key));
    return /[{}\\]/.test(text) ? call : text;
  });
}

export function compileTemplates(locale: Locale): RenderPage {
  const hb = Handlebars.create();
  // Most lookups are fixed words (a table heading on every row): translate each once.
  const fixed = new Map<string, string>();
  const helpers: Record<string, Handlebars.HelperDelegate> = {
    t: (key: string, options: Handlebars.HelperOptions) => {
      const args = options.hash as Record<string, unknown>;
      // A message with arguments is filled in every time; without, it is looked up once.
      for (const _ in args) return message(locale, key, args);
      let text = fixed.get(key);
      if (text === undefined) fixed.set(key, (text = message(locale, key)));
      return text;
    },
    tv: (group: string, value: unknown) => {
      const key = `${group}.${String(value)}`;
      let text = fixed.get(key);
      if (text === undefined) fixed.set(key, (text = valueMessage(locale, group, value)));
      return text;
    },
    // `{{say phrase reason}}`: a sentence the risk engine or readiness composed, in the locale.
    say: (phrase: Phrase | undefined, english: unknown) => phraseMessage(locale, phrase, english),
    eq: (a: unknown, b: unknown) => a === b,
    ne: (a: unknown, b: unknown) => a !== b,
    or: (a: unknown, b: unknown) => Boolean(a) || Boolean(b),
    gt: (a: unknown, b: unknown) => Number(a) > Number(b),
    isNumber: (v: unknown) => typeof v === 'number' && Number.isFinite(v),
    clamp: (v: unknown) => Math.min(1, Math.max(0, Number(v))),
    percent: (v: unknown) => `${Math.round(Number(v) * 1000) / 10}%`,
    year: (key: string) => key.slice(0, 4),
    monthOf: (key: string) => Number(key.slice(5, 7)),
    dateOnly: (iso: unknown) => String(iso).slice(0, 10),
    // Chart SVG is built by our own renderer, which escapes every text it places; it is the one
    // value a template may insert as markup, and only through this named helper.
    chartSvg: (chart: { svg: string }) => new hb.SafeString(chart.svg),
  };
  hb.registerHelper(helpers);
  // Declaring every helper lets handlebars compile `{{name}}` as a plain property read instead
  // of a helper lookup first: at 80k pages that is most of the rendering time.
  const knownHelpers = Object.fromEntries(Object.keys(helpers).map((k) => [k, true]));
  const options = { preventIndent: true, knownHelpers, knownHelpersOnly: true };
  // A partial's final newline would print a space before the comma or bracket that follows it.
  const partials = new Map([...readFolder('partials', '.hbs')].map(([name, source]) => [name, source.replace(/\n$/, '')]));
  const expand = (source: string) => inlineMessages(expandPartials(source, partials), (key) => message(locale, key));
  for (const [name, source] of partials) hb.registerPartial(name, hb.compile(expand(source), options));
  const pages = new Map<string, HandlebarsTemplateDelegate>();
  for (const [name, source] of readFolder('pages', '.hbs')) pages.set(name, hb.compile(expand(source), options));
  // The layout is a second render around the body rather than a partial block: handlebars'
  // partial blocks leave enough garbage per call to push a 80k-page build past 1 GiB.
  const layout = hb.compile(expand(readOwnText(join(TEMPLATE_DIR, 'layout.hbs'))), options);
  return (template, page, bodyData, layoutData) => {
    const body = pages.get(template);
    if (!body) throw new Error(`no catalog template "${template}"`);
    layoutData.body = new hb.SafeString(body(page, { data: bodyData }));
    return layout(page, { data: layoutData });
  };
}

/** The static files every site carries (stylesheet, script, icon), by name. */
export function staticAssets(): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of readdirSync(join(TEMPLATE_DIR, 'assets')).sort()) {
    const content = readOwnFile(join(TEMPLATE_DIR, 'assets', name));
    // The charts' styles travel with the site's stylesheet: the CSP allows no inline styles.
    out.set(name, name === 'site.css' ? Buffer.concat([content, Buffer.from('\n' + CHART_CSS)]) : content);
  }
  return out;
}
