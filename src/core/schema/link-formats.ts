import { fullFormats } from 'ajv-formats/dist/formats.js';

/**
 * What a document may name as a link. Links end up as anchors in the catalog, in pull-request
 * comments and in chat, so only schemes that open a page or a mail client are accepted:
 * `javascript:`, `vbscript:`, `data:`, `file:` and the like are schema errors at the value,
 * not strings a renderer has to remember to defuse.
 */
const WEB = /^(?:https?:\/\/[^/?#]|mailto:[^\s])/i;
const uri = fullFormats.uri as (s: string) => boolean;

/** An absolute http(s) URL with a host, or a mailto: address. */
export function isWebUrl(text: string): boolean {
  return WEB.test(text) && uri(text);
}

// Schemes that run code, embed content or reach the reader's own machine.
const NEVER = new Set(['javascript:', 'vbscript:', 'livescript:', 'data:', 'file:', 'blob:', 'filesystem:', 'about:', 'jar:', 'view-source:']);
const ALLOWED = new Set(['http:', 'https:', 'mailto:']);

/**
 * Evidence is a URL or a short reference in words ("Staging soak 72h, see OPS-12"). Text that a
 * browser would read as a URL must be a web URL; the URL parser decides, since it strips the
 * tabs and line breaks that "java\nscript:" hides behind. A reference with spaces after a
 * word and a colon ("Ticket: OPS-12") parses as a URL too, so only a scheme that could do
 * harm, or a single token with another scheme, is refused.
 */
export function isEvidence(text: string): boolean {
  if (!text.includes(':')) return true;
  let protocol: string;
  try {
    protocol = new URL(text.trim()).protocol.toLowerCase();
  } catch {
    return true;
  }
  if (ALLOWED.has(protocol)) return WEB.test(text.trim()) ? isWebUrl(text.trim()) : false;
  if (NEVER.has(protocol)) return false;
  return /\s/.test(text.trim());
}
