import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * GitHub's official OpenAPI description (npm @octokit/openapi) as a validator, so the fake
 * GitHub server in these tests can serve only what GitHub documents and our client can send
 * only what GitHub accepts. OpenAPI 3.0 specifics are translated for ajv: `nullable: true`
 * becomes a `null` type (or enum member), `example(s)` are left alone, and `oneOf` becomes
 * `anyOf` because GitHub's alternatives overlap (a full object also matches a "simple" one).
 */
// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

type Json = Record<string, unknown>;

const require = createRequire(import.meta.url);
const SPEC_FILE = require.resolve('@octokit/openapi/generated/api.github.com.json');

function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) out[k] = k === 'example' || k === 'examples' ? v : convert(v);
  if ('oneOf' in out) {
    out.anyOf = out.oneOf;
    delete out.oneOf;
  }
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
      return out;
    }
    return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

export interface Operation {
  method: string;
  template: string;
  raw: Json;
}

export class GitHubOpenApi {
  readonly spec: Json;
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor() {
    const raw = JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as Json;
    this.spec = raw;
    const converted = { components: convert(raw.components), paths: convert(raw.paths), 'x-webhooks': convert(raw['x-webhooks']) };
    this.ajv = new Ajv({ strict: false, validateSchema: false, allErrors: false, logger: false });
    addFormats(this.ajv);
    this.ajv.addSchema(converted, 'github');
  }

  operation(method: string, template: string): Operation | undefined {
    const raw = (this.spec.paths as Record<string, Record<string, Json>>)[template]?.[method.toLowerCase()];
    return raw ? { method: method.toUpperCase(), template, raw } : undefined;
  }

  private deref(node: Json | undefined): Json | undefined {
    let n = node;
    for (let i = 0; n && typeof n.$ref === 'string' && i < 5; i++) {
      const path = (n.$ref as string).replace(/^#\//, '').split('/');
      n = path.reduce<unknown>((o, k) => (o as Json)?.[k], this.spec) as Json | undefined;
    }
    return n;
  }

  private pointer(...tokens: string[]): string {
    return tokens.map((t) => encodeURIComponent(t.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');
  }

  private validator(ref: string): ValidateFunction {
    let v = this.cache.get(ref);
    if (!v) {
      v = this.ajv.compile({ $ref: `github#/${ref}` });
      this.cache.set(ref, v);
    }
    return v;
  }

  /** Problems with a response body for this operation and status; [] when GitHub documents it so. */
  checkResponse(method: string, template: string, status: number, body: unknown): string[] {
    const op = this.operation(method, template);
    if (!op) return [`${method} ${template} is not a GitHub operation`];
    const responses = op.raw.responses as Record<string, Json>;
    const response = this.deref(responses[String(status)]);
    if (!response) return [`${method} ${template} does not document status ${status}`];
    const content = response.content as Record<string, Json> | undefined;
    if (!content) return body === undefined || body === '' ? [] : [`${method} ${template} ${status} has no body, but one was sent`];
    const json = content['application/json'];
    if (!json?.schema) return [];
    const direct = responses[String(status)]!.$ref as string | undefined;
    const ref = direct ? `${direct.replace(/^#\//, '')}/content/${this.pointer('application/json')}/schema` : `paths/${this.pointer(template, method.toLowerCase())}/responses/${status}/content/${this.pointer('application/json')}/schema`;
    const validate = this.validator(ref);
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${method} ${template} ${status}: ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  }

  /** Problems with a request body; [] when it is what the operation accepts. */
  checkRequest(method: string, template: string, body: unknown): string[] {
    const op = this.operation(method, template);
    if (!op) return [`${method} ${template} is not a GitHub operation`];
    const rb = this.deref(op.raw.requestBody as Json | undefined);
    if (!rb) return body === undefined ? [] : [`${method} ${template} takes no body`];
    const content = rb.content as Record<string, Json>;
    if (!content['application/json']?.schema) return [];
    if (body === undefined) return rb.required ? [`${method} ${template} requires a body`] : [];
    const validate = this.validator(`paths/${this.pointer(template, method.toLowerCase())}/requestBody/content/${this.pointer('application/json')}/schema`);
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${method} ${template} request: ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  }

  /** A fresh copy of GitHub's own example answer for the operation and status. */
  example(method: string, template: string, status = 200): Json | Json[] {
    const op = this.operation(method, template);
    if (!op) throw new Error(`${method} ${template} is not a GitHub operation`);
    const response = this.deref((op.raw.responses as Record<string, Json>)[String(status)]);
    const json = (response?.content as Record<string, Json> | undefined)?.['application/json'];
    const examples = json?.examples as Record<string, Json> | undefined;
    const first = examples ? this.deref(Object.values(examples)[0]) : undefined;
    if (!first || first.value === undefined) throw new Error(`${method} ${template} ${status} has no example`);
    return structuredClone(first.value) as Json | Json[];
  }

  /** The official JSON schema of a webhook payload (x-webhooks), e.g. `deployment-protection-rule-requested`. */
  checkWebhook(name: string, payload: unknown): string[] {
    const hook = (this.spec['x-webhooks'] as Record<string, Record<string, Json>>)[name]?.post;
    if (!hook) return [`${name} is not a documented webhook`];
    const validate = this.validator(`x-webhooks/${this.pointer(name)}/post/requestBody/content/${this.pointer('application/json')}/schema`);
    return validate(payload) ? [] : (validate.errors ?? []).map((e) => `${name}: ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  }
}

let shared: GitHubOpenApi | undefined;
export function githubOpenApi(): GitHubOpenApi {
  return (shared ??= new GitHubOpenApi());
}
