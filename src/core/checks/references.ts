import { joinPointer, type UnplacedDiagnostic } from '../diagnostics.js';
import type { DocRecord, RefKind } from '../facts.js';
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

interface Entry {
  file: string;
  record: DocRecord;
}

const NAMESPACES: Record<Exclude<RefKind, 'policy-group' | 'service-or-openslo'>, string> = {
  service: 'Service',
  ci: 'ConfigurationItem',
  team: 'Team',
  template: 'StandardChange',
  slo: 'SLO',
};

const LABEL: Record<string, string> = {
  service: 'service',
  ci: 'configuration item',
  team: 'team',
  template: 'standard-change template',
  slo: 'SLO',
  'service-or-openslo': 'service',
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
      if (first) {
        findings.push({
          file: f.file,
          document: record.index,
          pointer: '/metadata/name',
          target: 'value',
          severity: 'error',
          code: 'name.duplicate',
          message: `${record.kind} "${record.name}" is already defined in ${first.file}${first.record.index ? ` (document ${first.record.index + 1})` : ''}`,
        });
      } else {
        names.set(record.name, { file: f.file, record });
      }
    }
  }
  return { index: { byNamespace }, findings };
}

function resolves(index: RepositoryIndex, kind: RefKind, name: string): boolean {
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
        if (resolves(index, ref.kind, ref.name)) continue;
        const hint = didYouMean(ref.name, candidates(index, ref.kind));
        out.push({
          file: f.file,
          document: record.index,
          pointer: ref.pointer,
          target: 'value',
          severity: 'error',
          code: 'ref.unresolved',
          message: `${ref.written} does not name a known ${LABEL[ref.kind]}`,
          ...(hint ? { hint } : {}),
        });
      }
    }
  }
  return out;
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
          out.push({ file: f.file, document: record.index, pointer: ref.pointer, target: 'value', severity: 'warning', code: 'ref.deprecated', message: `${ref.written} is deprecated; plan the move off it` });
        }
      }
    }
  }
  return out;
}

export function checkTemplateCoverage(files: readonly FileRecords[], index: RepositoryIndex): CrossFinding[] {
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
      if (template.environments && facts.environment && !template.environments.includes(facts.environment)) {
        report('/spec/environment', `template ${facts.template} does not cover the ${facts.environment} environment`);
      }
    }
  }
  return out;
}

/**
 * Dependency cycles over services and CIs (Tarjan's algorithm, iterative so a deep chain
 * cannot overflow the stack). One finding per cycle, on the edge that closes it.
 */
export function checkCycles(files: readonly FileRecords[]): CrossFinding[] {
  type Edge = { to: string; file: string; document: number; pointer: string };
  const edges = new Map<string, Edge[]>();
  for (const f of files) {
    for (const record of f.documents) {
      const from = record.facts.kind === 'Service' ? `service:${record.name}` : record.facts.kind === 'ConfigurationItem' ? `ci:${record.name}` : undefined;
      if (!from) continue;
      for (const ref of record.refs) {
        if (!ref.dependency) continue;
        const list = edges.get(from) ?? [];
        list.push({ to: `${ref.kind}:${ref.name}`, file: f.file, document: record.index, pointer: ref.pointer });
        edges.set(from, list);
      }
    }
  }

  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  for (const root of edges.keys()) {
    if (indexOf.has(root)) continue;
    const work: { node: string; next: number }[] = [{ node: root, next: 0 }];
    indexOf.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const frame = work[work.length - 1]!;
      const out = edges.get(frame.node) ?? [];
      if (frame.next < out.length) {
        const to = out[frame.next++]!.to;
        if (!indexOf.has(to)) {
          indexOf.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, next: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, indexOf.get(to)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === indexOf.get(frame.node)) {
        const component: string[] = [];
        let n: string;
        do {
          n = stack.pop()!;
          onStack.delete(n);
          component.push(n);
        } while (n !== frame.node);
        const selfLoop = component.length === 1 && (edges.get(component[0]!) ?? []).some((e) => e.to === component[0]);
        if (component.length > 1 || selfLoop) components.push(component);
      }
    }
  }

  const findings: CrossFinding[] = [];
  for (const component of components) {
    const members = new Set(component);
    const start = [...component].sort()[0]!;
    const path = cyclePath(start, members, edges);
    const closing = path.edge;
    findings.push({
      file: closing.file,
      document: closing.document,
      pointer: closing.pointer,
      target: 'value',
      severity: 'error',
      code: 'graph.cycle',
      message: `dependency cycle: ${path.nodes.join(' → ')}`,
    });
  }
  return findings;
}

function cyclePath(
  start: string,
  members: Set<string>,
  edges: Map<string, { to: string; file: string; document: number; pointer: string }[]>,
): { nodes: string[]; edge: { file: string; document: number; pointer: string } } {
  // Breadth-first from start back to start inside the component gives the shortest cycle.
  const previous = new Map<string, { from: string; edge: { file: string; document: number; pointer: string } }>();
  const queue = [start];
  while (queue.length) {
    const node = queue.shift()!;
    for (const e of edges.get(node) ?? []) {
      if (!members.has(e.to)) continue;
      if (e.to === start) {
        const nodes = [start];
        let cur = node;
        while (cur !== start) {
          nodes.push(cur);
          cur = previous.get(cur)!.from;
        }
        nodes.push(start);
        const ordered = [start, ...nodes.slice(1, -1).reverse(), start];
        return { nodes: ordered, edge: e };
      }
      if (!previous.has(e.to)) {
        previous.set(e.to, { from: node, edge: e });
        queue.push(e.to);
      }
    }
  }
  throw new Error('a strongly connected component always holds a cycle');
}
