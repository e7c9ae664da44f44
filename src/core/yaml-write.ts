import { Document, visit } from 'yaml';

/**
 * Renders documents as YAML the way opsledger writes every file: the editor modeline first (so
 * yaml-language-server validates and completes the file against its schema), then each
 * document with its comments. Pure: callers decide where the text goes.
 */
export interface YamlDoc {
  value: unknown;
  /** Comment lines above the document, without the leading '#'. */
  comment?: string[];
  /** Comments after a value, keyed by JSON pointer (e.g. /spec/tier). */
  notes?: Record<string, string>;
  /** Comment lines after the document, e.g. fields a person may want to add. */
  trailer?: string[];
}

export const MODELINE_PREFIX = '# yaml-language-server: $schema=';

/**
 * Strings that a YAML 1.1 reader (js-yaml 3, PyYAML, Go's yaml.v2, older Backstage) would turn
 * into something else: booleans like `on`/`yes`, sexagesimal and underscored numbers, dates.
 * The `yaml` package only quotes what YAML 1.2 would misread, so these get double quotes too:
 * the files we write must mean the same thing to every tool that reads them.
 */
const YAML11_AMBIGUOUS =
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|~|null|Null|NULL|<<|=|[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)|[-+]?0x[\da-fA-F_]+|[-+]?0b[01_]+|(?=[-+.\d_:]*\d)[-+]?[\d_]*(?:\.[\d._]*)?(?::[0-5]?\d)*(?:[eE][-+]?\d+)?|\d{4}-\d\d?-\d\d?(?:[Tt ].*)?)$/;

export function needsQuotes(text: string): boolean {
  return YAML11_AMBIGUOUS.test(text);
}

function pointerPath(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function toDocument(d: YamlDoc): Document {
  const doc = new Document(d.value);
  if (d.comment?.length) doc.commentBefore = d.comment.map((l) => (l === '' ? '' : ` ${l}`)).join('\n');
  if (d.trailer?.length) doc.comment = d.trailer.map((l) => (l === '' ? '' : ` ${l}`)).join('\n');
  for (const [pointer, note] of Object.entries(d.notes ?? {})) {
    const path = pointerPath(pointer).map((k) => (/^\d+$/.test(k) ? Number(k) : k));
    const node = doc.getIn(path, true) as { comment?: string | null } | undefined;
    if (node && typeof node === 'object') node.comment = ` ${note}`;
  }
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && needsQuotes(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc;
}

/** One file's text. `schemaUrl` becomes the first line when given. */
export function renderYaml(docs: readonly YamlDoc[], schemaUrl?: string): string {
  const parts = docs.map((d) => toDocument(d).toString({ lineWidth: 0 }));
  const head = schemaUrl ? `${MODELINE_PREFIX}${schemaUrl}\n` : '';
  return head + parts.join('---\n');
}
