import { joinPointer, type UnplacedDiagnostic } from '../diagnostics.js';
import { REF_KINDS, writtenRef, type DocRecord, type RefKind, type RefUse } from '../facts.js';
import type { Environments } from '../environments.js';
import { missingFields } from '../required-fields.js';
import { didYouMean } from '../suggest.js';

/**
 * Rules across documents: unique names, references that resolve, dependency cycles, and
 * standard changes that stay inside their template. They work on records only, so they run
 * the same over a fresh parse or a warm cache.
 */
export interface FileRecords {
  file: string;
  documents: DocRecord[];
}

export interface CrossFinding extends UnplacedDiagnostic {
  file: string;
  document: number;
  target: 'key' | 'value';
}

export interface Entry {
  file: string;
  record: DocRecord;
}

const NAMESPACES: Record<Exclude<RefKind, 'policy-group' | 'service-or-openslo'>, string> = {
  service: 'Service',
  ci: 'ConfigurationItem',
  team: 'Team',
  template: 'StandardChange',
  slo: 'SLO',
  change: 'ChangeRequest',
  incident: 'Incident',
  system: 'System',
  domain: 'Domain',
  api: 'API',
};

const LABEL: Record<string, string> = {
  service: 'service',
  ci: 'configuration item',
  team: 'team',
  template: 'standard-change template',
  slo: 'SLO',
  'service-or-openslo': 'service',
  change: 'change request',
  incident: 'incident',
  system: 'system',
  domain: 'domain',
  api: 'API',
};

export interface RepositoryIndex {
  byNamespace: Map<string, Map<string, Entry>>;
}

export function indexRecords(files: readonly FileRecords[]): { index: RepositoryIndex; findings: CrossFinding[] } {
  const byNamespace = new Map<string, Map<string, Entry>>();
  const findings: CrossFinding[] = [];
  for (const f of files) {
    for (const record of f.documents) {
      if (!record.name) continue;
      let names = byNamespace.get(record.namespace);
      if (!names) byNamespace.set(record.namespace, (names = new Map()));
      const first = names.get(record.name);
      if (first) findings.push(duplicateName(f.file, record, first));
      else names.set(record.name, { file: f.file, record });
    }
  }
  return { index: { byNamespace }, findings };
}

/** A name defined again: the finding on the later definition, naming the first. */
export function duplicateName(file: string, record: DocRecord, first: Entry): CrossFinding {
  return {
    file,
    document: record.index,
    pointer: '/metadata/name',
    target: 'value',
    severity: 'error',
    code: 'name.duplicate',
    message: `${record.kind} "${record.name}" is already defined in ${first.file}${first.record.index ? ` (document ${first.record.index + 1})` : ''}`,
  };
}

export function resolves(index: RepositoryIndex, kind: RefKind, name: string): boolean {
  if (kind === 'policy-group') return true;
  if (kind === 'service-or-openslo') return Boolean(index.byNamespace.get('Service')?.has(name) || index.byNamespace.get('openslo:Service')?.has(name));
  return Boolean(index.byNamespace.get(NAMESPACES[kind])?.has(name));
}

function candidates(index: RepositoryIndex, kind: RefKind): Iterable<string> {
  if (kind === 'policy-group') return [];
  const ns = kind === 'service-or-openslo' ? 'Service' : NAMESPACES[kind];
  return index.byNamespace.get(ns)?.keys() ?? [];
}

export function checkReferences(files: readonly FileRecords[], index: RepositoryIndex): CrossFinding[] {
  const out: CrossFinding[] = [];
  for (const f of files) {
    for (const record of f.documents) {
      for (const ref of record.refs) {
        if (!resolves(index, ref.kind, ref.name)) out.push(unresolvedRef(f.file, record, ref, index));
      }
    }
  }
  return out;
}

/** A reference that names nothing in the index, with the closest name that exists. */
export function unresolvedRef(file: string, record: DocRecord, ref: RefUse, index: RepositoryIndex): CrossFinding {
  const hint = didYouMean(ref.name, candidates(index, ref.kind));
  return {
    file,
    document: record.index,
    pointer: ref.pointer,
    target: 'value',
    severity: 'error',
    code: 'ref.unresolved',
    message: `${writtenRef(ref)} does not name a known ${LABEL[ref.kind]}`,
    ...(hint ? { hint } : {}),
  };
}

/** Deprecated dependencies of live services: the catalog's readiness also reads this. */
export function checkDeprecatedDependencies(files: readonly FileRecords[], index: RepositoryIndex): CrossFinding[] {
  const out: CrossFinding[] = [];
  const services = index.byNamespace.get('Service');
  for (const f of files) {
    for (const record of f.documents) {
      if (record.facts.kind !== 'Service' || record.facts.lifecycle === 'deprecated') continue;
      for (const ref of record.refs) {
        if (ref.kind !== 'service' || !ref.dependency) continue;
        const target = services?.get(ref.name)?.record.facts;
        if (target?.kind === 'Service' && target.lifecycle === 'deprecated') {
          out.push({ file: f.file, document: record.index, pointer: ref.pointer, target: 'value', severity: 'warning', code: 'ref.deprecated', message: `${writtenRef(ref)} is deprecated; plan the move off it` });
        }
      }
    }
  }
  return out;
}

/**
 * An API some service consumes and no service provides: the consumer relies on something
 * nobody in the organisation answers for. Warned once per consuming entry; an API that does
 * not exist at all is ref.unresolved instead.
 */
export function checkUnprovidedApis(files: readonly FileRecords[], index: RepositoryIndex, provided: ReadonlySet<string> = providedApis(files)): CrossFinding[] {
  const apis = index.byNamespace.get('API');
  const out: CrossFinding[] = [];
  for (const f of files) {
    for (const record of f.documents) {
      if (record.kind !== 'Service' || record.apiVersion !== 'opsledger/v1') continue;
      for (const ref of record.refs) {
        if (ref.kind !== 'api' || !ref.pointer.startsWith('/spec/consumesApis/') || provided.has(ref.name) || !apis?.has(ref.name)) continue;
        out.push({ file: f.file, document: record.index, pointer: ref.pointer, target: 'value', severity: 'warning', code: 'api.unprovided', message: `API ${ref.name} is consumed here but no service provides it` });
      }
    }
  }
  return out;
}

/** Every API some service says it provides. */
export function providedApis(files: readonly FileRecords[]): Set<string> {
  const provided = new Set<string>();
  for (const f of files) for (const record of f.documents) for (const api of providedBy(record)) provided.add(api);
  return provided;
}

export function providedBy(record: DocRecord): string[] {
  if (record.kind !== 'Service' || record.apiVersion !== 'opsledger/v1') return [];
  return record.refs.filter((ref) => ref.kind === 'api' && ref.pointer.startsWith('/spec/providesApis/')).map((ref) => ref.name);
}

/** The namespaces a reference of this kind may name something in (none for a policy group, which always resolves). */
export function namespacesOf(kind: RefKind): readonly string[] {
  return SPACES[kind];
}

const SPACES = Object.fromEntries(
  REF_KINDS.map((kind): [RefKind, readonly string[]] => [kind, kind === 'policy-group' ? [] : kind === 'service-or-openslo' ? ['Service', 'openslo:Service'] : [NAMESPACES[kind]]]),
) as Record<RefKind, readonly string[]>;

export function checkTemplateCoverage(files: readonly FileRecords[], index: RepositoryIndex, envs?: Environments): CrossFinding[] {
  const canonical = (name: string) => envs?.canonical(name) ?? name;
  const out: CrossFinding[] = [];
  const templates = index.byNamespace.get('StandardChange');
  const cis = index.byNamespace.get('ConfigurationItem');
  for (const f of files) {
    for (const record of f.documents) {
      const facts = record.facts;
      if (facts.kind !== 'ChangeRequest' || facts.type !== 'standard' || !facts.template) continue;
      const template = templates?.get(facts.template)?.record.facts;
      if (template?.kind !== 'StandardChange') continue; // an unresolved template is reported as ref.unresolved
      const report = (pointer: string, message: string) =>
        out.push({ file: f.file, document: record.index, pointer, target: 'value', severity: 'error', code: 'change.template-coverage', message });
      if (template.services) {
        facts.services.forEach((s, i) => {
          if (!template.services!.includes(s)) report(joinPointer('/spec/services', i), `template ${facts.template} does not cover service ${s}`);
        });
      }
      if (template.ciClasses) {
        facts.cis.forEach((c, i) => {
          const ci = cis?.get(c)?.record.facts;
          if (ci?.kind === 'ConfigurationItem' && ci.class && !template.ciClasses!.includes(ci.class)) {
            report(joinPointer('/spec/configurationItems', i), `template ${facts.template} covers ${template.ciClasses!.join(', ')} items, not ${c} (${ci.class})`);
          }
        });
      }
      if (template.environments && facts.environment && !template.environments.some((e) => canonical(e) === canonical(facts.environment!))) {
        report('/spec/environment', `template ${facts.template} does not cover the ${facts.environment} environment`);
      }
      for (const field of missingFields(facts.filled ?? [], template.requiredFields)) {
        out.push({ file: f.file, document: record.index, pointer: '/spec/template', target: 'value', severity: 'error', code: 'change.required-field', message: `template ${facts.template} requires ${field}, which this change leaves empty` });
      }
    }
  }
  return out;
}

/**
 * Dependency cycles over services and CIs (Tarjan's algorithm over integer ids, iterative so a
 * deep chain cannot overflow the stack). One finding per cycle, on the edge that closes it.
 */
interface EdgeSite {
  file: string;
  document: number;
  pointer: string;
}

export function checkCycles(files: readonly FileRecords[]): CrossFinding[] {
  const graph = new DependencyGraph(true);
  for (const f of files) graph.add(f);
  return graph.findings();
}

/**
 * The dependency graph of services and CIs, built file by file. Node ids and edges follow the
 * order the files are added in, and so do the findings (which component comes first, which of
 * a component's shortest cycles is named): checkCycles adds them in file order. Edges are kept
 * as numbers; where each was written only with `sites`, for the findings.
 */
export class DependencyGraph {
  // One map per kind, keyed by the name the records already hold (hashed once, in
  // indexRecords): a "kind:name" key made here would be a new string to hash per edge.
  private readonly ids = new Map<string, Map<string, number>>();
  private readonly kinds: string[] = [];
  private readonly plain: string[] = [];
  private readonly from: number[] = [];
  private readonly to: number[] = [];
  private readonly sites: EdgeSite[] | undefined;

  constructor(sites = false) {
    if (sites) this.sites = [];
  }

  private idOf(kind: string, name: string): number {
    let byName = this.ids.get(kind);
    if (!byName) this.ids.set(kind, (byName = new Map()));
    let id = byName.get(name);
    if (id === undefined) {
      id = this.plain.length;
      byName.set(name, id);
      this.kinds.push(kind);
      this.plain.push(name);
    }
    return id;
  }

  add(f: FileRecords): void {
    for (const record of f.documents) {
      const kind = record.facts.kind;
      if (kind !== 'Service' && kind !== 'ConfigurationItem') continue;
      let from = -1;
      for (const ref of record.refs) {
        if (!ref.dependency) continue;
        if (from < 0) from = this.idOf(kind === 'Service' ? 'service' : 'ci', record.name);
        this.from.push(from);
        this.to.push(this.idOf(ref.kind, ref.name));
        this.sites?.push({ file: f.file, document: record.index, pointer: ref.pointer });
      }
    }
  }

  /** Each node's edges in the order they were added: edge numbers `order[first[n]]` up to `order[first[n + 1]]`. */
  private adjacency(): { first: Int32Array; order: Int32Array } {
    const n = this.plain.length;
    const first = new Int32Array(n + 1);
    for (const f of this.from) first[f + 1]!++;
    for (let i = 0; i < n; i++) first[i + 1]! += first[i]!;
    const fill = first.slice(0, n);
    const order = new Int32Array(this.from.length);
    this.from.forEach((f, e) => (order[fill[f]!++] = e));
    return { first, order };
  }

  /** The strongly connected components that hold a cycle. */
  cycles(): number[][] {
    const { first, order } = this.adjacency();
    const to = this.to;
    const n = this.plain.length;
    const index = new Int32Array(n).fill(-1);
    const low = new Int32Array(n);
    const onStack = new Uint8Array(n);
    const stack: number[] = [];
    const components: number[][] = [];
    let counter = 0;
    const workNode: number[] = [];
    const workNext: number[] = [];
    for (let root = 0; root < n; root++) {
      if (index[root] !== -1 || first[root] === first[root + 1]) continue;
      index[root] = low[root] = counter++;
      stack.push(root);
      onStack[root] = 1;
      workNode.push(root);
      workNext.push(first[root]!);
      while (workNode.length) {
        const top = workNode.length - 1;
        const node = workNode[top]!;
        const next = workNext[top]!;
        if (next < first[node + 1]!) {
          workNext[top] = next + 1;
          const target = to[order[next]!]!;
          if (index[target] === -1) {
            index[target] = low[target] = counter++;
            stack.push(target);
            onStack[target] = 1;
            workNode.push(target);
            workNext.push(first[target]!);
          } else if (onStack[target]) {
            low[node] = Math.min(low[node]!, index[target]!);
          }
          continue;
        }
        workNode.pop();
        workNext.pop();
        if (workNode.length) {
          const parent = workNode[workNode.length - 1]!;
          low[parent] = Math.min(low[parent]!, low[node]!);
        }
        if (low[node] === index[node]) {
          const component: number[] = [];
          let m: number;
          do {
            m = stack.pop()!;
            onStack[m] = 0;
            component.push(m);
          } while (m !== node);
          let selfLoop = false;
          for (let e = first[node]!; e < first[node + 1]! && component.length === 1; e++) if (to[order[e]!] === node) selfLoop = true;
          if (component.length > 1 || selfLoop) components.push(component);
        }
      }
    }
    return components;
  }

  /** One finding per cycle, on the edge that closes it (a graph made with `sites`). */
  findings(): CrossFinding[] {
    const names = (id: number) => `${this.kinds[id]}:${this.plain[id]}`;
    const components = this.cycles();
    if (!components.length) return [];
    const { first, order } = this.adjacency();
    const findings: CrossFinding[] = [];
    for (const component of components) {
      const members = new Set(component);
      const start = component.reduce((best, id) => (names(id) < names(best) ? id : best), component[0]!);
      const path = this.cyclePath(start, members, first, order);
      const site = this.sites![path.edge]!;
      findings.push({
        file: site.file,
        document: site.document,
        pointer: site.pointer,
        target: 'value',
        severity: 'error',
        code: 'graph.cycle',
        message: `dependency cycle: ${path.nodes.map(names).join(' → ')}`,
      });
    }
    return findings;
  }

  private cyclePath(start: number, members: Set<number>, first: Int32Array, order: Int32Array): { nodes: number[]; edge: number } {
    // Breadth-first from start back to start inside the component gives the shortest cycle.
    const previous = new Map<number, number>();
    const queue = [start];
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head]!;
      for (let k = first[node]!; k < first[node + 1]!; k++) {
        const e = order[k]!;
        const target = this.to[e]!;
        if (!members.has(target)) continue;
        if (target === start) {
          const back: number[] = [];
          for (let cur = node; cur !== start; cur = previous.get(cur)!) back.push(cur);
          return { nodes: [start, ...back.reverse(), start], edge: e };
        }
        if (!previous.has(target)) {
          previous.set(target, node);
          queue.push(target);
        }
      }
    }
    throw new Error('a strongly connected component always holds a cycle');
  }
}
