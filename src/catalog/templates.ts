import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { PACKAGE_ROOT } from '../adapters/fs/package-root.js';
import { message, valueMessage, type Locale } from './messages.js';

/**
 * The catalog's handlebars templates, read from templates/catalog/ at the package root (the
 * same place from src/ under vitest and from dist/ when installed). Pages are in pages/, shared
 * pieces in partials/, static files shipped as they are in assets/.
 *
 * Templates only ever use {{ }}: handlebars escapes every value, so a title such as
 * `<script>` is printed, never run.
 */
export const TEMPLATE_DIR = join(PACKAGE_ROOT, 'templates', 'catalog');

export type RenderPage = (template: string, context: object) => string;

function readFolder(folder: string, ext: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(join(TEMPLATE_DIR, folder)).sort()) {
    if (name.endsWith(ext)) out.set(name.slice(0, -ext.length), readFileSync(join(TEMPLATE_DIR, folder, name), 'utf8'));
  }
  return out;
}

export function compileTemplates(locale: Locale): RenderPage {
  const hb = Handlebars.create();
  // Most lookups are fixed words (a table heading on every row): translate each once.
  const fixed = new Map<string, string>();
  const helpers: Record<string, Handlebars.HelperDelegate> = {
    t: (key: string, options: Handlebars.HelperOptions) => {
      const args = options.hash as Record<string, unknown>;
      for (const _ in args) return message(locale, key, args);
      let text = fixed.get(key);
      if (text === undefined) fixed.set(key, (text = message(locale, key)));
      return text;
    },
    tv: (group: string, value: unknown) => valueMessage(locale, group, value),
    eq: (a: unknown, b: unknown) => a === b,
    ne: (a: unknown, b: unknown) => a !== b,
    gt: (a: unknown, b: unknown) => Number(a) > Number(b),
    isNumber: (v: unknown) => typeof v === 'number' && Number.isFinite(v),
    clamp: (v: unknown) => Math.min(1, Math.max(0, Number(v))),
    percent: (v: unknown) => `${Math.round(Number(v) * 1000) / 10}%`,
    year: (key: string) => key.slice(0, 4),
    monthOf: (key: string) => Number(key.slice(5, 7)),
  };
  hb.registerHelper(helpers);
  // Declaring every helper lets handlebars compile `{{name}}` as a plain property read instead
  // of a helper lookup first: at 80k pages that is most of the rendering time.
  const knownHelpers = Object.fromEntries(Object.keys(helpers).map((k) => [k, true]));
  const options = { preventIndent: true, knownHelpers, knownHelpersOnly: true };
  for (const [name, source] of readFolder('partials', '.hbs')) hb.registerPartial(name, hb.compile(source, options));
  const pages = new Map<string, HandlebarsTemplateDelegate>();
  for (const [name, source] of readFolder('pages', '.hbs')) pages.set(name, hb.compile(source, options));
  return (template, context) => {
    const page = pages.get(template);
    if (!page) throw new Error(`no catalog template "${template}"`);
    return page(context);
  };
}

/** The static files every site carries (stylesheet, script, icon), by name. */
export function staticAssets(): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of readdirSync(join(TEMPLATE_DIR, 'assets')).sort()) out.set(name, readFileSync(join(TEMPLATE_DIR, 'assets', name)));
  return out;
}
