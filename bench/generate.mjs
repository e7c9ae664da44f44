#!/usr/bin/env node
// Deterministic generator of synthetic opsledger organisations for the benchmark.
//
//   node bench/generate.mjs S|L OUTDIR [--seed N] [--faults N]
//
// S = 1,000 services, 5,000 CIs, 2,000 changes; L = 10,000 services, 50,000 CIs, 20,000 changes;
// plus about services/10 teams, a policy, a calendar, 3 standard-change templates and SLOs for
// every tier 1-2 service. Layout and content follow a real organisation (see DESIGN.md):
//
//   services/<svc>/service.yaml   Service
//   services/<svc>/slos.yaml      SLO documents (tier 1-2 only), multi-document
//   services/<svc>/cmdb.yaml      the service's 5 ConfigurationItems, multi-document
//   teams/<team>.yaml             Team
//   changes/CR-YYYY-NNNN.yaml     ChangeRequest, one per file
//   changes/policy.yaml, changes/calendar.yaml, changes/templates/<name>.yaml
//
// The clean organisation is valid: every reference resolves, there are no dependency cycles
// (services depend only on services with a lower index; CI relations point only at shared
// infrastructure CIs or CIs generated earlier) and nothing deprecated is depended upon, so a
// correct validator reports 0 errors and 0 warnings. With --faults N, exactly N documents get
// one known fault each (dangling references, schema errors, bad durations and instants, a
// duplicate name, a dependency cycle, a schedule that ends before it starts); each is meant to
// produce exactly one error. The list is written to faults.json next to manifest.json (outside
// the data folders, so validators do not read it).
//
// Everything derives from one seeded PRNG (mulberry32); the faults use a second PRNG, so a
// faulty organisation is the clean one plus N local edits.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SIZES = {
  S: { services: 1_000, cis: 5_000, changes: 2_000 },
  L: { services: 10_000, cis: 50_000, changes: 20_000 },
};

/** Identifies this generator's output: the hash of its own source. */
export function generatorHash() {
  return createHash('sha256').update(readFileSync(fileURLToPath(import.meta.url))).digest('hex').slice(0, 16);
}

// ------------------------------------------------------------------------------------ PRNG
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeRandom(seed) {
  const next = mulberry32(seed);
  const r = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    weighted: (pairs) => {
      const total = pairs.reduce((n, [, w]) => n + w, 0);
      let x = next() * total;
      for (const [v, w] of pairs) if ((x -= w) < 0) return v;
      return pairs[pairs.length - 1][0];
    },
    sample: (arr, k) => {
      const copy = arr.slice();
      const out = [];
      for (let i = 0; i < k && copy.length; i++) out.push(copy.splice(Math.floor(next() * copy.length), 1)[0]);
      return out;
    },
  };
  return r;
}

// ------------------------------------------------------------------------------------ words
const DOMAINS = ['commerce', 'payments', 'identity', 'logistics', 'search', 'media', 'analytics', 'messaging', 'billing', 'catalog', 'risk', 'growth', 'support', 'content', 'maps', 'ads', 'ml', 'data', 'security', 'finance', 'people', 'fleet', 'pricing', 'inventory'];
const NOUNS = ['cart', 'checkout', 'ledger', 'invoice', 'refund', 'order', 'shipment', 'parcel', 'route', 'carrier', 'warehouse', 'stock', 'price', 'coupon', 'promo', 'session', 'token', 'profile', 'account', 'consent', 'audit', 'report', 'metric', 'event', 'feed', 'notification', 'email', 'sms', 'push', 'webhook', 'image', 'video', 'thumbnail', 'transcode', 'upload', 'index', 'ranking', 'recommendation', 'review', 'rating', 'wishlist', 'loyalty', 'subscription', 'plan', 'quota', 'tax', 'fx', 'settlement', 'payout', 'fraud', 'kyc', 'chargeback', 'dispute', 'ticket', 'chat', 'faq', 'geo', 'address', 'eta', 'dispatch', 'driver', 'rider', 'menu', 'store', 'vendor', 'partner', 'contract', 'sku', 'label', 'pickup', 'returns', 'giftcard'];
const ROLES = ['api', 'service', 'worker', 'gateway', 'scheduler', 'sync', 'consumer', 'publisher', 'store', 'proxy', 'engine', 'indexer', 'exporter', 'bff', 'admin'];
const TEAM_NOUNS = ['core', 'platform', 'experience', 'foundations', 'growth', 'insights', 'operations', 'reliability', 'integrations', 'tooling', 'data', 'mobile', 'web', 'backend', 'infra'];
const FIRST = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'nina', 'oscar', 'peggy', 'quinn', 'rupert', 'sybil', 'trent', 'ursula', 'victor', 'wendy', 'xavier', 'yuna', 'zoe', 'minji', 'seungwoo', 'jiho', 'hana', 'takeshi', 'yuki', 'priya', 'arjun', 'aisha', 'tomasz', 'marta', 'lukas', 'sofia', 'mateo', 'chloe', 'liam', 'emma', 'noah', 'olivia', 'elif', 'omar', 'fatima', 'kofi', 'amara', 'ingrid', 'lars'];
const LAST = ['kim', 'lee', 'park', 'choi', 'jung', 'kang', 'cho', 'yoon', 'jang', 'lim', 'tanaka', 'suzuki', 'sato', 'raman', 'iyer', 'bello', 'nowak', 'kowalski', 'mueller', 'schmidt', 'garcia', 'lopez', 'martin', 'bernard', 'smith', 'jones', 'brown', 'taylor', 'wilson', 'evans', 'walker', 'young', 'hall', 'wright', 'king', 'scott', 'green', 'baker', 'adams', 'nelson', 'hill', 'campbell', 'mitchell', 'roberts', 'carter', 'phillips', 'turner', 'torres', 'parker', 'collins'];
const REGIONS = [
  ['seoul', '+09:00', 'Asia/Seoul'],
  ['tokyo', '+09:00', 'Asia/Tokyo'],
  ['frankfurt', '+01:00', 'Europe/Berlin'],
  ['virginia', '-05:00', 'America/New_York'],
  ['oregon', '-08:00', 'America/Los_Angeles'],
  ['singapore', '+08:00', 'Asia/Singapore'],
  ['sydney', '+11:00', 'Australia/Sydney'],
  ['london', 'Z', 'Europe/London'],
];
const ORG = 'acme';
const HOST = 'acme.example';

const DESCRIPTION_PARTS = [
  'Serves {noun} data to the web storefront and the iOS and Android apps.',
  'Owns the {noun} lifecycle from creation to archival and publishes {noun}.changed events.',
  'Called synchronously on the checkout path, so latency directly affects conversion.',
  'Runs as a stateless deployment behind the internal gateway; state lives in its database.',
  'Reads from a replica for listings and writes through the primary for updates.',
  'Batch jobs run nightly at 02:00 local time and must finish before the morning peak.',
  'Consumes the order stream and keeps a materialised view for the back office.',
  'Most traffic comes from partner integrations over the public API with per-tenant quotas.',
  'Caches hot keys for five minutes; a cold cache roughly doubles database load.',
  'Migrated from the monolith in 2024; a few legacy endpoints still proxy to it.',
  'Feature flags guard every new endpoint; see the flag dashboard before a rollout.',
  'Handles personal data, so changes need a privacy review when the schema changes.',
  'Exposes gRPC internally and REST externally through the API gateway.',
  'Scales horizontally on CPU; the autoscaler keeps between 4 and 40 replicas.',
];
const RISKS = [
  ['Connection pool exhaustion during the switch-over', 'Pool size raised for the window and connections drained before the cut'],
  ['Schema migration locks a hot table', 'Online migration tool with a throttle; tested on a production-size copy'],
  ['Cache stampede after the restart', 'Staggered restart with request coalescing enabled'],
  ['Client libraries pinned to the old certificate chain', 'Chain published two weeks ahead; partner contacts confirmed'],
  ['Config drift between regions', 'Rendered configs diffed in the pipeline before apply'],
  ['Consumer lag grows while partitions rebalance', 'Rebalance in the low-traffic window; lag alert at 5 minutes'],
  ['Feature flag default flips for old app versions', 'Flag targeted by app version; old versions stay on the old path'],
  ['Rollback needs a data backfill', 'Dual writes kept for 7 days so the old path stays complete'],
];
const ENGINES = [
  ['postgres', ['14', '15', '16']],
  ['mysql', ['8.0', '8.4']],
  ['aurora-postgres', ['15.4', '16.1']],
];

// ------------------------------------------------------------------------------------ YAML helpers
const RESERVED = /^(true|false|null|yes|no|on|off|y|n|~)$/i;
/** A scalar: plain when that is safe in the given context, double-quoted otherwise. */
function s(text, flow = false) {
  text = String(text);
  const unsafe = flow ? /[:#,[\]{}&*!|>'"%@`]|^[-?]|^\s|\s$/ : /: |\s#|^[-?:,[\]{}#&*!|>'"%@`]|^\s|\s$|:$/;
  if (text === '' || RESERVED.test(text) || /^[-+.\d]/.test(text) || unsafe.test(text)) return JSON.stringify(text);
  return text;
}
/** URLs: plain in both contexts (they contain ':' but never ': ' or ','). */
const u = (url) => url;
const q = (text) => JSON.stringify(String(text));

function folded(indent, text, width = 92) {
  const pad = ' '.repeat(indent);
  const words = text.split(' ');
  const lines = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(pad + line);
      line = w;
    } else line = line ? line + ' ' + w : w;
  }
  if (line) lines.push(pad + line);
  return lines.join('\n');
}
function flowList(items, flow = true) {
  return '[' + items.map((i) => s(i, flow)).join(', ') + ']';
}
function titleCase(name) {
  return name
    .split('-')
    .map((w) => (['api', 'sms', 'fx', 'kyc', 'eta', 'sku', 'bff', 'ml', 'tls', 'db', 'lb', 'fn', 'dns', 'vpc', 'san', 'k8s'].includes(w) ? w.toUpperCase() : w[0].toUpperCase() + w.slice(1)))
    .join(' ');
}

// ------------------------------------------------------------------------------------ time
const pad2 = (n) => String(n).padStart(2, '0');
function offsetMinutes(offset) {
  if (offset === 'Z') return 0;
  const sign = offset[0] === '-' ? -1 : 1;
  return sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
}
/** ISO 8601 with the given offset for the instant `ms` (UTC epoch milliseconds). */
function iso(ms, offset) {
  const d = new Date(ms + offsetMinutes(offset) * 60_000);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:00${offset}`;
}
function isoDate(ms) {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 10, 22, 0, 0); // the organisation's "today": 2026-11-22
function duration(minutes) {
  if (minutes % (24 * 60) === 0) return `${minutes / 1440}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  if (minutes > 60) return `${Math.floor(minutes / 60)}h${minutes % 60}m`;
  return `${minutes}m`;
}

// ------------------------------------------------------------------------------------ model
function uniqueName(taken, candidates) {
  for (const c of candidates) {
    if (c.length <= 40 && !taken.has(c)) {
      taken.add(c);
      return c;
    }
  }
  const base = candidates[candidates.length - 1].slice(0, 34);
  for (let n = 2; ; n++) {
    const c = `${base}-${n}`;
    if (!taken.has(c)) {
      taken.add(c);
      return c;
    }
  }
}

function buildModel(size, seed) {
  const counts = SIZES[size];
  if (!counts) throw new Error(`unknown size "${size}" (use S or L)`);
  const R = makeRandom(seed * 7919 + size.charCodeAt(0));
  const login = () => `${R.pick(FIRST)}-${R.pick(LAST)}`;

  // ---- teams: about services/10, including the CAB, the ECAB and SRE the policy names.
  const teamCount = Math.max(10, Math.round(counts.services / 10));
  const teamNames = new Set();
  const teams = [];
  const special = [
    ['cab', 'Change Advisory Board', 'security'],
    ['ecab', 'Emergency Change Advisory Board', 'security'],
    ['sre', 'Site Reliability Engineering', 'data'],
    ['platform', 'Platform Engineering', 'data'],
  ];
  for (const [name, title, domain] of special) {
    teamNames.add(name);
    teams.push({ name, title, domain, members: [] });
  }
  while (teams.length < teamCount) {
    const domain = R.pick(DOMAINS);
    const name = uniqueName(teamNames, [`${domain}-${R.pick(TEAM_NOUNS)}`, `${domain}-${R.pick(TEAM_NOUNS)}`, `${domain}-${R.pick(TEAM_NOUNS)}-${R.int(2, 9)}`]);
    teams.push({ name, title: titleCase(name), domain, members: [] });
  }
  for (const t of teams) {
    const n = R.int(4, 9);
    const m = new Set();
    while (m.size < n) m.add(login());
    t.members = [...m];
    t.escalation = R.sample(t.members, 3);
    t.description = `${t.title} builds and runs ${t.domain} services. ${R.pick(['On-call rotates weekly on Mondays at 10:00.', 'The team holds a weekly operations review on Thursdays.', 'Escalate through the pager; Slack is watched during office hours only.', 'Runbooks live in the team wiki space and are reviewed every quarter.'])}`;
  }
  const appTeams = teams.slice(2); // CAB and ECAB own no services

  // ---- services: infrastructure first (lowest indices: everything may depend on them).
  const serviceNames = new Set();
  const infraCount = Math.max(8, Math.round(counts.services / 100));
  const services = [];
  for (let i = 0; i < counts.services; i++) {
    const infra = i < infraCount;
    let name;
    let domain;
    let region;
    if (infra) {
      region = REGIONS[i % REGIONS.length];
      name = uniqueName(serviceNames, [`platform-${region[0]}-${Math.floor(i / REGIONS.length) + 1}`]);
      domain = 'platform';
    } else {
      domain = R.pick(DOMAINS);
      const noun = R.pick(NOUNS);
      const role = R.pick(ROLES);
      name = uniqueName(serviceNames, [`${noun}-${role}`, `${domain}-${noun}-${role}`, `${domain}-${noun}-${R.pick(ROLES)}`, `${domain}-${noun}-${role}`]);
      region = R.pick(REGIONS);
    }
    const tier = infra ? 1 : R.weighted([[1, 10], [2, 25], [3, 40], [4, 25]]);
    const exposure = infra ? 'company' : R.weighted([['external', 35], ['company', 30], ['department', 25], ['team', 10]]);
    const lifecycle = infra ? 'production' : R.weighted([['production', 85], ['experimental', 10], ['deprecated', 5]]);
    const owner = infra ? teams.find((t) => t.name === 'platform') : R.pick(appTeams);
    services.push({ index: i, name, domain, region, tier, exposure, lifecycle, owner: owner.name, infra, cis: [], deps: [], slos: [] });
  }
  const infraServices = services.slice(0, infraCount);

  // ---- configuration items: 5 per service, in generation order (global index = order).
  const cis = [];
  const addCi = (svc, ci) => {
    ci.index = cis.length;
    ci.service = svc.name;
    cis.push(ci);
    svc.cis.push(ci);
    return ci;
  };
  for (const svc of services) {
    if (svc.infra) {
      const tag = svc.name.replace(/^platform-/, '');
      const lower = infraServices.slice(0, svc.index);
      const vpc = addCi(svc, { name: `vpc-${tag}`, class: 'network', relations: [], attributes: { cidr: `10.${svc.index % 250}.0.0/16`, azs: 3, transitGateway: true } });
      const san = addCi(svc, { name: `san-${tag}`, class: 'storage', relations: [{ type: 'dependsOn', target: `ci:${vpc.name}` }], attributes: { vendor: 'netapp', capacityTb: 400, replication: 'async' } });
      const k8s = addCi(svc, {
        name: `k8s-${tag}`,
        class: 'cluster',
        relations: [{ type: 'hostedOn', target: `ci:${vpc.name}` }, { type: 'dependsOn', target: `ci:${san.name}` }],
        attributes: { distribution: 'eks', version: R.pick(['1.29', '1.30', '1.31']), nodes: R.int(12, 240), nodeClass: 'm7g.2xlarge' },
      });
      const vaultRel = [{ type: 'runsOn', target: `ci:${k8s.name}` }];
      if (lower.length) vaultRel.push({ type: 'connectsTo', target: `ci:vault-${R.pick(lower).name.replace(/^platform-/, '')}` });
      addCi(svc, { name: `vault-${tag}`, class: 'secret-store', relations: vaultRel, attributes: { engine: 'vault', version: '1.17', seal: 'awskms' } });
      addCi(svc, { name: `dns-${tag}`, class: 'dns', relations: [{ type: 'dependsOn', target: `ci:${vpc.name}` }], attributes: { zone: `${tag}.internal.${HOST}`, provider: 'route53' } });
      continue;
    }
    const platform = infraServices[svc.index % infraCount];
    const tag = platform.name.replace(/^platform-/, '');
    const engine = R.pick(ENGINES);
    const earlier = cis.length > 0 ? cis : [];
    const peerCi = () => earlier[R.int(infraCount * 5, earlier.length - 1)];
    const db = addCi(svc, {
      name: `${svc.name}-db`,
      class: 'database',
      relations: [{ type: 'hostedOn', target: `ci:san-${tag}` }, { type: 'dependsOn', target: `ci:vault-${tag}` }],
      attributes: { engine: engine[0], version: R.pick(engine[1]), instanceClass: R.pick(['db.r7g.large', 'db.r7g.xlarge', 'db.r7g.4xlarge']), storageGb: R.pick([100, 250, 500, 1000, 2000]), multiAz: svc.tier <= 2, backupRetentionDays: R.pick([7, 14, 35]) },
    });
    addCi(svc, {
      name: `${svc.name}-cache`,
      class: 'cache',
      relations: [{ type: 'runsOn', target: `ci:k8s-${tag}` }],
      attributes: { engine: R.pick(['redis', 'valkey', 'memcached']), version: R.pick(['7.2', '7.4', '8.0']), nodes: R.int(1, 6), maxMemoryMb: R.pick([1024, 4096, 16384]) },
    });
    const third = R.pick([
      ['queue', 'queue', { engine: 'kafka', partitions: R.int(6, 96), retentionHours: 168 }],
      ['bucket', 'object-store', { provider: 's3', versioning: true, lifecycleDays: 365 }],
      ['search', 'search', { engine: 'opensearch', version: '2.15', shards: R.int(3, 24) }],
      ['fn', 'function', { runtime: R.pick(['nodejs20.x', 'python3.12', 'java21']), memoryMb: 512, timeoutSeconds: 30 }],
    ]);
    const thirdRel = [{ type: third[1] === 'function' ? 'dependsOn' : 'runsOn', target: `ci:k8s-${tag}` }];
    if (earlier.length > infraCount * 5 + 10 && R.chance(0.4)) thirdRel.push({ type: 'connectsTo', target: `ci:${peerCi().name}` });
    addCi(svc, { name: `${svc.name}-${third[0]}`, class: third[1], relations: thirdRel, attributes: third[2] });
    const tls = addCi(svc, {
      name: `${svc.name}-tls`,
      class: 'certificate',
      relations: [],
      attributes: { issuer: R.pick(['letsencrypt', 'digicert', 'internal-ca']), commonName: `${svc.name}.${HOST}`, expires: isoDate(NOW + R.int(20, 400) * DAY), autoRenew: R.chance(0.7) },
    });
    const lbRel = [{ type: 'dependsOn', target: `ci:${tls.name}` }, { type: 'dependsOn', target: `ci:dns-${tag}` }];
    if (earlier.length > infraCount * 5 + 10 && R.chance(0.3)) lbRel.push({ type: R.pick(['dependsOn', 'connectsTo']), target: `ci:${peerCi().name}` });
    addCi(svc, {
      name: `${svc.name}-lb`,
      class: R.pick(['load-balancer', 'load-balancer', 'gateway']),
      relations: lbRel,
      attributes: { scheme: svc.exposure === 'external' ? 'internet-facing' : 'internal', listeners: [443], idleTimeoutSeconds: 60 },
    });
    svc.platform = platform;
    svc.db = db;
  }

  // ---- service dependencies: lower-index, non-deprecated app services; own CIs; platform CIs.
  const liveApps = [];
  for (const svc of services) {
    if (svc.infra) {
      if (svc.index > 0) svc.deps.push(`service:${services[R.int(0, svc.index - 1)].name}`);
      svc.deps.push(`ci:${svc.cis[2].name}`, `ci:${svc.cis[4].name}`);
    } else {
      const n = liveApps.length ? R.weighted([[0, 15], [1, 25], [2, 25], [3, 20], [4, 10], [6, 5]]) : 0;
      const chosen = new Set();
      for (let k = 0; k < n; k++) {
        // Prefer recent neighbours (same era of the catalog) but reach back too.
        const j = R.chance(0.7) ? Math.max(0, liveApps.length - 1 - R.int(0, 60)) : R.int(0, liveApps.length - 1);
        chosen.add(liveApps[j].name);
      }
      for (const d of chosen) svc.deps.push(`service:${d}`);
      svc.deps.push(`ci:${svc.cis[0].name}`, `ci:${svc.cis[1].name}`);
      if (R.chance(0.5)) svc.deps.push(`ci:${svc.cis[2].name}`);
      svc.deps.push(`ci:k8s-${svc.platform.name.replace(/^platform-/, '')}`);
    }
    if (!svc.infra && svc.lifecycle !== 'deprecated') liveApps.push(svc);
    svc.description = R.sample(DESCRIPTION_PARTS, R.int(2, 3))
      .map((p) => p.replaceAll('{noun}', svc.name.split('-')[0]))
      .join(' ');
    svc.coOwner = svc.tier <= 2 && R.chance(0.5) ? 'sre' : undefined;
    svc.rto = duration(R.pick([15, 30, 60, 120, 240, 480]));
    svc.rpo = duration(R.pick([1, 5, 15, 60]));
    svc.drTestedAt = isoDate(NOW - R.int(10, 400) * DAY);
    svc.hasComment = R.chance(0.25);
    if (svc.tier <= 2) {
      svc.slos.push({ name: `${svc.name}-availability`, type: 'availability', target: R.pick([0.999, 0.9995, 0.995]), budget: Math.round(R.next() * 100) / 100 });
      if (R.chance(0.5)) svc.slos.push({ name: `${svc.name}-latency`, type: 'latency', target: R.pick([0.99, 0.95]), ms: R.pick([200, 300, 500, 1500]), budget: Math.round(R.next() * 100) / 100 });
    }
  }

  // ---- standard-change templates, policy, calendar
  const templates = [
    { name: 'rotate-tls-certificate', title: 'Rotate a TLS certificate', ciClass: 'certificate', maxRisk: 'medium', steps: ['Issue the new certificate from the CA', 'Upload it to the secret store', 'Reload the listeners one availability zone at a time', 'Check the served chain and expiry with the probe'], rollback: ['Re-upload the previous certificate', 'Reload the listeners'] },
    { name: 'resize-cache', title: 'Resize a cache cluster', ciClass: 'cache', maxRisk: 'medium', steps: ['Add the new nodes', 'Wait for the resharding to finish', 'Remove the old nodes', 'Compare hit ratio and latency with the day before'], rollback: ['Add the old node size back', 'Reshard onto the old nodes'] },
    { name: 'rolling-restart', title: 'Rolling restart of a deployment', ciClass: undefined, maxRisk: 'low', steps: ['Announce in the service channel', 'Restart with maxUnavailable 10%', 'Watch the golden signals for 15 minutes'], rollback: ['None needed; pods return to the same version'] },
  ];
  const tier1 = services.filter((x) => x.tier === 1 && !x.infra && x.lifecycle === 'production');

  // ---- change requests
  const years = Math.max(1, Math.ceil(counts.changes / 6000));
  const perYear = Math.ceil(counts.changes / years);
  const firstYear = 2026 - years + 1;
  const changes = [];
  const appServices = services.filter((x) => !x.infra);
  for (let i = 0; i < counts.changes; i++) {
    const year = firstYear + Math.floor(i / perYear);
    const seq = (i % perYear) + 1;
    const id = `CR-${year}-${String(seq).padStart(4, '0')}`;
    const svc = R.chance(0.05) ? R.pick(infraServices) : R.pick(appServices);
    const yearStart = Date.UTC(year, 0, 1);
    const yearEnd = Math.min(Date.UTC(year + 1, 0, 1), year === 2026 ? NOW + 40 * DAY : Infinity);
    // Spread through the year in sequence order, so ids rise with time like real ones.
    const span = yearEnd - yearStart;
    let start = yearStart + Math.floor(((seq - 1) / perYear) * span) + R.int(0, 2) * DAY;
    start = start - (start % DAY) + R.pick([1, 2, 3, 4, 10, 14, 15, 22]) * HOUR + R.pick([0, 30]) * MIN - offsetMinutes(svc.region[1]) * MIN;
    const minutes = R.pick([30, 45, 60, 90, 120, 180, 240]);
    const type = svc.infra ? R.weighted([['normal', 80], ['emergency', 20]]) : R.weighted([['standard', 35], ['normal', 55], ['emergency', 10]]);
    const environment = R.weighted([['production', 80], ['staging', 20]]);
    const cr = { id, year, svc, type, environment, start, end: start + minutes * MIN, offset: R.chance(0.15) ? 'Z' : svc.region[1], requester: R.pick(teams.find((t) => t.name === svc.owner).members), comment: R.chance(0.2) };
    if (type === 'standard') {
      const t = R.pick(templates);
      cr.template = t;
      cr.services = [svc.name];
      cr.cis = t.ciClass === 'certificate' ? [`${svc.name}-tls`] : t.ciClass === 'cache' ? [`${svc.name}-cache`] : [];
      cr.title = t.name === 'rotate-tls-certificate' ? `Rotate the TLS certificate of ${svc.name}` : t.name === 'resize-cache' ? `Resize ${svc.name}-cache from ${R.int(2, 4)} to ${R.int(5, 8)} nodes` : `Rolling restart of ${svc.name} to pick up new node images`;
    } else {
      const action = svc.infra ? R.pick(['release', 'config', 'scale']) : R.pick(['release', 'db-upgrade', 'config', 'migration', 'scale', 'flag']);
      cr.services = [svc.name];
      cr.cis = [];
      const dependents = svc.deps.filter((d) => d.startsWith('service:'));
      if (dependents.length && R.chance(0.25)) cr.services.push(dependents[0].slice(8));
      if (action === 'db-upgrade' || action === 'migration') cr.cis.push(svc.cis[0].name);
      else if (R.chance(0.2)) cr.cis.push(svc.cis[R.int(0, 4)].name);
      const version = `${R.int(1, 9)}.${R.int(0, 40)}.${R.int(0, 20)}`;
      cr.title =
        type === 'emergency'
          ? R.pick([`Hotfix ${svc.name} ${version} for elevated 5xx after the last release`, `Roll back the connection pool change on ${svc.name}`, `Emergency patch of ${svc.name} for a critical library vulnerability`])
          : action === 'release'
            ? `Release ${svc.name} ${version}`
            : action === 'db-upgrade'
              ? `Upgrade ${svc.cis[0].name} to ${svc.cis[0].attributes.engine} ${Number.parseInt(svc.cis[0].attributes.version, 10) + 1}`
              : action === 'config'
                ? `Raise ${svc.name} connection pool and timeouts`
                : action === 'migration'
                  ? `Add an index and backfill the ${svc.name.split('-')[0]} table`
                  : action === 'scale'
                    ? `Scale ${svc.name} from ${R.int(3, 8)} to ${R.int(9, 24)} replicas for the campaign`
                    : `Enable the new ${svc.name.split('-')[0]} flow for 100% of users`;
      cr.action = action;
      cr.strategy = type === 'emergency' ? R.pick(['rolling', 'none', 'one-box']) : R.weighted([['canary', 45], ['blue-green', 15], ['rolling', 25], ['one-box', 10], ['none', 5]]);
      cr.sloMetrics = svc.slos.map((x) => `slo:${x.name}`);
      cr.rollbackMinutes = R.pick([5, 10, 15, 20, 30, 45, 60]);
      cr.rollbackTested = R.chance(0.6) ? isoDate(start - R.int(2, 20) * DAY) : undefined;
      cr.risks = R.sample(RISKS, R.int(1, 2));
      cr.diff = { files: R.int(1, 60), additions: R.int(5, 1500), deletions: R.int(0, 800) };
      cr.justification = type === 'emergency' ? R.pick(['Customers cannot complete orders; the error rate has exceeded the paging threshold for 20 minutes.', 'A critical CVE with a public exploit affects the running version.', 'The last release corrupts a small share of writes; it must be stopped before the evening peak.']) : R.chance(0.5) ? R.pick(['The current version leaves its support window next quarter.', 'Needed for the spring campaign; marketing has committed the launch date.', 'Reduces p99 latency by about 30% in the load test.', 'Removes a manual weekly toil task from the on-call.']) : undefined;
      cr.explicitNullTemplate = R.chance(0.15);
    }
    // Status: past changes are completed (a few cancelled); future ones are planned.
    if (cr.end < NOW - DAY) {
      if (R.chance(0.06)) cr.phase = 'cancelled';
      else {
        cr.phase = 'completed';
        const result = R.weighted([['successful', 86], ['failed', 6], ['rolled-back', 5], ['partial', 3]]);
        const implementedAt = start + R.int(2, 20) * MIN;
        const o = { result, implementedAt };
        if (result === 'failed' || result === 'rolled-back') {
          o.failureDetectedAt = implementedAt + R.int(3, 40) * MIN;
          o.restoredAt = o.failureDetectedAt + R.int(5, 90) * MIN;
          o.incidents = [`INC-${R.int(1000, 9999)}`];
          o.notes = R.pick(['The canary missed it because the failing path only runs for one partner.', 'Error rate rose on the second stage; automatic rollback triggered as designed.', 'The rollback took longer than planned because the old image had been garbage-collected.']);
        }
        o.completedAt = Math.max(o.restoredAt ?? 0, cr.end);
        if (result !== 'successful' || R.chance(0.1)) o.review = `https://wiki.${HOST}/pir/${id}`;
        cr.outcome = o;
      }
    } else {
      cr.phase = R.weighted([['draft', 10], ['submitted', 25], ['approved', 25], ['scheduled', 40]]);
    }
    changes.push(cr);
  }

  return { size, seed, counts, teams, services, cis, templates, tier1, changes, years: [firstYear, 2026] };
}

// ------------------------------------------------------------------------------------ renderers
function renderTeam(t, f = {}) {
  const lines = [];
  if (t.name === 'cab' || t.name === 'ecab') lines.push(`# Members of this team approve ${t.name === 'cab' ? 'normal changes of high and critical risk' : 'emergency changes at any hour'}.`, '# Changing this file is itself a high-risk change (see policy.sensitivePaths).');
  lines.push(
    'apiVersion: opsledger/v1',
    'kind: Team',
    'metadata:',
    `  name: ${t.name}`,
    `  title: ${s(t.title)}`,
    `  description: ${s(t.description)}`,
    `  labels: {domain: ${t.domain}}`,
    'spec:',
    `  members: ${flowList(t.members)}`,
    `  github: {team: ${ORG}/${t.name}}`,
    '  oncall:',
    `    schedule: ${u(`https://oncall.${HOST}/schedules/${t.name}-primary`)}`,
    `    escalation: ${flowList(t.escalation)}`,
    `  contact: {slack: "#team-${t.name}", email: ${f.badEmail ? q(`${t.name} at ${HOST}`) : `${t.name}@${HOST}`}, pager: ${t.name}-primary}`,
  );
  return lines.join('\n') + '\n';
}

function renderService(svc, f = {}) {
  const L = [];
  if (svc.hasComment) L.push(`# ${titleCase(svc.name)} is owned by ${svc.owner}. Keep dependsOn in sync with the service mesh config;`, '# the catalog draws the dependency graph and the risk engine computes blast radius from it.');
  L.push('apiVersion: opsledger/v1', 'kind: Service', 'metadata:', `  name: ${svc.name}`, `  title: ${s(titleCase(svc.name))}`, '  description: >-', folded(4, svc.description));
  L.push(`  labels: {domain: ${svc.domain}${svc.tier === 1 ? ', pager: "true"' : ''}}`);
  L.push('spec:', `  owner: ${f.unknownOwner ? `${svc.owner}-old` : svc.owner}`);
  if (svc.coOwner) L.push('  owners:', `    - {team: ${svc.coOwner}, role: oncall}`);
  L.push(`  tier: ${f.badTier ? 5 : svc.tier}${svc.hasComment ? '                                  # 1 = most critical' : ''}`, `  exposure: ${svc.exposure}`, `  lifecycle: ${svc.lifecycle}`);
  const deps = svc.deps.slice();
  if (f.danglingDependency) deps.splice(1, 0, `service:${svc.name.slice(0, 50)}-legacy`);
  if (deps.length) {
    L.push('  dependsOn:');
    for (const d of deps) L.push(`    - ${d}`);
  }
  const base = `https://wiki.${HOST}`;
  L.push(
    '  runbooks:',
    `    - {title: Restart ${svc.name} pods, url: ${base}/runbooks/${svc.name}/restart}`,
    `    - {title: Scale out ${svc.name}, url: ${base}/runbooks/${svc.name}/scale-out}`,
  );
  if (svc.tier <= 2) L.push(`    - {title: Fail over ${svc.name}-db, url: ${base}/runbooks/${svc.name}/db-failover}`);
  L.push('  playbooks:', `    - {title: Elevated 5xx on ${svc.name}, url: ${base}/playbooks/${svc.name}/5xx}`, `    - {title: Latency above SLO, url: ${base}/playbooks/${svc.name}/latency}`);
  L.push('  dashboards:', `    - {title: Golden signals, url: https://grafana.${HOST}/d/${svc.name}/golden-signals}`);
  L.push(`  repository: https://github.com/${ORG}/${svc.name}`);
  L.push(`  continuity: {rto: ${f.badDuration ? q('1 hour') : svc.rto}, rpo: ${svc.rpo}, redundancy: ${svc.tier <= 2 ? 'multi-az' : 'single-az'}, drTestedAt: "${svc.drTestedAt}"}`);
  return L.join('\n') + '\n';
}

function renderSlos(svc, f = {}) {
  return svc.slos
    .map((slo, k) => {
      const sel = `service="${svc.name}"`;
      const good = slo.type === 'availability' ? `sum(rate(http_server_requests_total{${sel}, code!~"5.."}[5m]))` : `sum(rate(http_server_request_duration_seconds_bucket{${sel}, le="${slo.ms / 1000}"}[5m]))`;
      const total = slo.type === 'availability' ? `sum(rate(http_server_requests_total{${sel}}[5m]))` : `sum(rate(http_server_request_duration_seconds_count{${sel}}[5m]))`;
      const what = slo.type === 'availability' ? 'requests that do not fail on our side' : `requests answered within ${slo.ms} ms`;
      return [
        'apiVersion: opsledger/v1',
        'kind: SLO',
        'metadata:',
        `  name: ${slo.name}`,
        `  title: ${s(`${titleCase(svc.name)} ${slo.type}`)}`,
        'spec:',
        `  description: Share of ${what}.`,
        `  service: ${f.danglingService && k === 0 ? `${svc.name.slice(0, 50)}-v1` : svc.name}`,
        '  indicator:',
        `    metadata: {name: ${slo.name}-ratio}`,
        '    spec:',
        '      ratioMetric:',
        '        counter: true',
        '        good:',
        '          metricSource:',
        '            type: prometheus',
        '            spec:',
        `              query: ${s(good)}`,
        '        total:',
        '          metricSource:',
        '            type: prometheus',
        '            spec:',
        `              query: ${s(total)}`,
        '  timeWindow:',
        '    - {duration: 28d, isRolling: true}',
        '  budgetingMethod: Occurrences',
        '  objectives:',
        `    - {displayName: ${s(`${(slo.target * 100).toFixed(2).replace(/\.?0+$/, '')} percent of ${what}`, true)}, target: ${slo.target}}`,
        'status:',
        `  errorBudgetRemaining: ${slo.budget}`,
        `  measuredAt: "${iso(NOW - 9 * HOUR, '+09:00')}"`,
        `  source: https://prometheus.${HOST}/slo/${slo.name}`,
      ].join('\n');
    })
    .join('\n---\n') + '\n';
}

function renderCi(ci, svc, f = {}) {
  const L = ['apiVersion: opsledger/v1', 'kind: ConfigurationItem', 'metadata:', `  name: ${ci.name}`, `  title: ${s(`${titleCase(ci.name)} (${ci.class})`)}`, 'spec:', `  class: ${ci.class}`, `  service: ${svc.name}`, '  environment: production'];
  if (svc.infra) L.push('  owner: platform');
  const rel = ci.relations.slice();
  if (f.danglingRelation) rel.push({ type: 'dependsOn', target: `ci:${ci.name.slice(0, 50)}-replica` });
  if (f.badRelationType && rel.length) rel[0] = { ...rel[0], type: 'uses' };
  if (f.cycleTo) rel.push({ type: 'dependsOn', target: `ci:${f.cycleTo}` });
  if (rel.length) {
    L.push('  relations:');
    for (const r of rel) L.push(`    - {type: ${r.type}, target: ${r.target}}`);
  }
  const attrs = Object.entries(ci.attributes).map(([k, v]) => `${k}: ${typeof v === 'string' ? s(v, true) : Array.isArray(v) ? `[${v.join(', ')}]` : v}`);
  L.push(`  attributes: {${attrs.join(', ')}}`);
  return L.join('\n');
}

function renderCmdb(svc, f = {}) {
  const head = svc.infra ? `# Shared infrastructure in ${svc.region[0]}. Everything that runs there points at these items;\n# changing one of them puts every dependent service in the blast radius.\n` : '';
  const docs = svc.cis.map((ci, k) => renderCi(ci, svc, f.byCi?.[k] ?? {}));
  if (f.duplicate) docs.push(f.duplicate);
  return head + docs.join('\n---\n') + '\n';
}

function renderChange(cr, f = {}) {
  const L = [];
  if (cr.comment) L.push(`# Change record for ${cr.svc.name}. The CAB reviews the pull request that adds or edits this file;`, '# approvals are GitHub reviews, never fields in this file.');
  L.push('apiVersion: opsledger/v1', 'kind: ChangeRequest', 'metadata:', `  name: ${cr.id}`, `  title: ${s(cr.title)}`);
  if (cr.comment) L.push(`  labels: {domain: ${cr.svc.domain}}`);
  L.push('spec:', `  type: ${cr.type}`);
  if (cr.template) L.push(`  template: ${cr.template.name}`);
  else if (cr.explicitNullTemplate) L.push('  template: null');
  if (!f.missingRequester) L.push(`  requester: ${cr.requester}`);
  const services = cr.services.slice();
  if (f.danglingService) services.push(`${cr.svc.name.slice(0, 50)}-v2`);
  L.push(`  services: ${flowList(services)}`);
  if (cr.cis.length) L.push(`  configurationItems: ${flowList(cr.cis)}`);
  L.push(`  environment: ${cr.environment}`);
  let start = iso(cr.start, cr.offset);
  let end = iso(cr.end, cr.offset);
  if (f.scheduleOrder) [start, end] = [end, start];
  if (f.badInstant) start = start.replace(/(Z|[+-]\d{2}:\d{2})$/, '');
  L.push(`  schedule: {start: "${start}", end: "${end}"}`);
  const svc = cr.svc;
  if (cr.template) {
    L.push(`  description: Follows the ${cr.template.name} standard change for ${svc.name}; nothing outside the template is touched.`);
    L.push('  implementation:');
    for (const step of cr.template.steps) L.push(`    - ${s(step)}`);
    L.push('  rollback:', `    steps: ${flowList(cr.template.rollback)}`, '    expectedDuration: 15m');
  } else {
    L.push(
      '  description: >-',
      folded(
        4,
        `${cr.title}. ${cr.action === 'db-upgrade' ? 'In-place major upgrade with a logical replica kept as fallback until the next day.' : cr.action === 'migration' ? 'The backfill runs in batches of 5000 rows with a throttle on replica lag.' : 'Built and tested in the pipeline; the same artifact already runs in staging.'} ${svc.tier <= 2 ? `${svc.name} is tier ${svc.tier}, so the rollout watches its SLOs at every stage.` : 'Low-traffic service; the rollout is watched on the golden-signals dashboard.'}`,
      ),
    );
    if (cr.justification) L.push(`  justification: ${s(cr.justification)}`);
    L.push(
      '  implementation:',
      `    - ${s(`Announce the window in #ops-changes and in the ${svc.owner} channel`)}`,
      `    - ${s(cr.action === 'db-upgrade' ? `Create a logical replica of ${svc.cis[0].name} and upgrade it` : `Deploy ${svc.name} through the pipeline with the change behind its flag`)}`,
      `    - ${s(cr.action === 'db-upgrade' ? 'Switch the writer endpoint to the upgraded replica' : 'Progress through the delivery stages below, checking the metrics at each')}`,
      '    - Confirm dashboards are green and close the change in the tracker',
      '  verification:',
      `    - {description: Staging soak for 24h with production traffic replay, evidence: https://ci.${HOST}/runs/${cr.id.toLowerCase()}}`,
    );
    const stageMetrics = cr.sloMetrics.length ? [...cr.sloMetrics] : [];
    if (f.unknownSlo) stageMetrics.push(`slo:${svc.name.slice(0, 45)}-throughput`);
    L.push('  delivery:', `    strategy: ${cr.strategy}`);
    const metricList = (list) => (list.length ? `, metrics: [${list.join(', ')}]` : '');
    if (cr.strategy === 'canary' || cr.strategy === 'one-box' || f.unknownSlo || f.badStageDuration) {
      L.push(
        '    stages:',
        `      - {traffic: ${cr.strategy === 'one-box' ? 1 : 5}, duration: ${f.badStageDuration ? q('half an hour') : '30m'}${metricList(stageMetrics)}}`,
        `      - {traffic: 50, duration: 1h${metricList(cr.sloMetrics)}}`,
        '      - {traffic: 100}',
      );
    } else if (cr.strategy === 'blue-green') {
      L.push('    stages:', `      - {traffic: 100, duration: 2h${metricList(stageMetrics)}}`);
    }
    L.push(`    autoRollback: ${cr.strategy !== 'none'}`);
    L.push(
      '  rollback:',
      `    steps: [${s(cr.action === 'db-upgrade' ? 'Switch the writer back to the old primary' : `Redeploy the previous ${svc.name} release`, true)}, Confirm error rate is back to baseline]`,
      `    triggers: [${q(`${cr.sloMetrics[0]?.slice(4) ?? `${svc.name} 5xx rate`} burn rate > 6x for 5m`)}, ${q('p99 latency > 2x baseline')}]`,
      `    expectedDuration: ${f.badDuration ? q(`${cr.rollbackMinutes} minutes`) : duration(cr.rollbackMinutes)}`,
    );
    if (cr.rollbackTested) L.push(`    tested: {at: "${cr.rollbackTested}", evidence: https://ci.${HOST}/gameday/${svc.name}}`);
    L.push('  premortem:');
    for (const [risk, mitigation] of cr.risks) L.push(`    - risk: ${s(risk)}`, `      mitigation: ${s(mitigation)}`);
    if (svc.exposure === 'external' && svc.tier <= 2) L.push('  communication:', `    - {audience: Customer support, channel: "#support-announcements", message: Short degradation possible during the window, when: 1d before}`);
    L.push(`  diff: {files: ${cr.diff.files}, additions: ${cr.diff.additions}, deletions: ${cr.diff.deletions}}`);
  }
  L.push('status:', `  phase: ${cr.phase}`);
  if (cr.outcome) {
    const o = cr.outcome;
    L.push('  outcome:', `    result: ${o.result}`, `    implementedAt: "${iso(o.implementedAt, cr.offset)}"`);
    if (o.failureDetectedAt) L.push(`    failureDetectedAt: "${iso(o.failureDetectedAt, cr.offset)}"`, `    restoredAt: "${iso(o.restoredAt, cr.offset)}"`);
    L.push(`    completedAt: "${iso(o.completedAt, cr.offset)}"`);
    if (o.incidents) L.push(`    incidents: ${flowList(o.incidents)}`);
    if (o.notes) L.push(`    notes: ${s(o.notes)}`);
    if (o.review) L.push(`    review: ${o.review}`);
  }
  return L.join('\n') + '\n';
}

function renderTemplate(t) {
  const L = [
    `# Pre-approved by the CAB. Changes of type standard that follow this template skip the CAB`,
    `# meeting as long as their risk stays at or below ${t.maxRisk}.`,
    'apiVersion: opsledger/v1',
    'kind: StandardChange',
    'metadata:',
    `  name: ${t.name}`,
    `  title: ${s(t.title)}`,
    '  description: >-',
    folded(4, `A routine change that has succeeded many times with the same steps. ${t.ciClass ? `It covers ${t.ciClass} items only.` : 'It touches no configuration item.'} Anything beyond these steps is a normal change.`),
    'spec:',
    '  covers:',
  ];
  if (t.ciClass) L.push(`    ciClasses: [${t.ciClass}]`);
  L.push('    environments: [production, staging]', `  maxRisk: ${t.maxRisk}`, '  requiredFields: [rollback.steps, schedule.start]', '  implementation:');
  for (const step of t.steps) L.push(`    - ${s(step)}`);
  L.push('  rollback:', '    steps:');
  for (const step of t.rollback) L.push(`      - ${s(step)}`);
  return L.join('\n') + '\n';
}

function renderPolicy() {
  return `# The risk policy. Every number here is used by the risk engine; every risk report shows which.
# Changing this file is itself a high-risk change, and the gate reads the default branch copy.
apiVersion: opsledger/v1
kind: Policy
metadata:
  name: default
  title: Default change risk policy
  description: Impact x likelihood risk model, the controls each risk class requires, error-budget and emergency rules.
  links:
    - {title: CAB charter, url: https://wiki.${HOST}/ops/cab/charter, type: docs}
spec:
  environments:
    - {name: production, production: true, aliases: [prod]}
    - {name: staging}
    - {name: development, aliases: [dev]}
  impact:
    # Rows: exposure (scope). Columns: tier 1..4 (severity). Monotone in both directions.
    matrix:
      external: [4, 4, 3, 2]
      company: [4, 3, 2, 2]
      department: [3, 2, 2, 1]
      team: [2, 2, 1, 1]
  likelihood:
    thresholds: [3, 6, 9]
    factors:
      changeType: {standard: 0, normal: 1, emergency: 3}
      environment: {production: 1, staging: 0, development: 0}
      rollbackMissing: 3
      rollbackUntested: 1
      noProgressiveDelivery: {points: 2, tiers: [1, 2]}
      peakHours:
        points: 2
        timeZone: Asia/Seoul
        days: [MO, TU, WE, TH, FR, SA, SU]
        from: "19:00"
        to: "24:00"
      nearFreeze: {points: 1, within: 2d}
      shortNotice: {points: 2, within: 24h}
      errorBudgetExhausted: 3
      recentFailureRate: {points: 2, above: 0.3, window: 90d}
      overlappingChanges: 2
      largeDiff: {points: 1, lines: 1000}
  risk:
    matrix:
      - [low, low, low, medium]
      - [low, low, medium, high]
      - [low, medium, high, high]
      - [medium, high, high, critical]
  controls:
    low:
      approvals:
        - {group: owner, count: 1}
      rollback: plan
    medium:
      approvals:
        - {group: owner, count: 1}
        - {group: sre, count: 1}
      rollback: plan
      progressiveDelivery: true
      leadTime: 2d
      verification: true
    high:
      approvals:
        - {group: owner, count: 1}
        - {group: cab, count: 2}
      rollback: tested
      progressiveDelivery: true
      leadTime: 5d
      maintenanceWindow: true
      premortem: true
      verification: true
    critical:
      approvals:
        - {group: owner, count: 1}
        - {group: cab, count: 3}
        - {group: sre, count: 1}
      rollback: tested
      progressiveDelivery: true
      leadTime: 10d
      maintenanceWindow: true
      premortem: true
      verification: true
  groups:
    cab: team:cab
    emergency: team:ecab
    sre: team:sre
  errorBudget:
    blocks: [normal, standard]
    exhaustedAt: 0
  emergency:
    approvers: emergency
    reviewWithin: 5d
  sensitivePaths:
    - changes/policy.yaml
    - changes/calendar.yaml
    - teams/**
`;
}

function renderCalendar(model) {
  const L = [
    '# The change calendar: freezes block normal and standard changes in their scope; maintenance',
    '# windows are where high-risk changes are expected to happen.',
    'apiVersion: opsledger/v1',
    'kind: ChangeCalendar',
    'metadata:',
    '  name: production',
    '  title: Production change calendar',
    'spec:',
    '  windows:',
  ];
  for (let y = model.years[0]; y <= model.years[1]; y++) {
    L.push(
      `    - name: year-end-freeze-${y}`,
      '      kind: freeze',
      `      start: "${y}-12-20T00:00:00+09:00"`,
      `      end: "${y + 1}-01-03T00:00:00+09:00"`,
      '      scope: {environments: [production]}',
      '      allow: [emergency]',
      '      reason: Year-end peak; only emergency changes go',
      `    - name: spring-campaign-${y}`,
      '      kind: freeze',
      `      start: "${y}-03-28T00:00:00+09:00"`,
      `      end: "${y}-04-02T00:00:00+09:00"`,
      '      scope: {tiers: [1, 2], environments: [production]}',
      '      allow: [emergency, standard]',
      '      reason: Spring sale campaign',
    );
  }
  const scoped = model.tier1.slice(0, 6).map((x) => x.name);
  L.push(
    '    - name: weekly-maintenance',
    '      kind: maintenance',
    `      start: "${model.years[0]}-01-06T01:00:00"`,
    '      rrule: FREQ=WEEKLY;BYDAY=TU',
    `      exdates: ["${model.years[1]}-12-29T01:00:00"]`,
    '      duration: 3h',
    '      timeZone: Asia/Seoul',
    '      scope: {tiers: [1, 2]}',
    '    - name: monthly-db-patching',
    '      kind: maintenance',
    `      start: "${model.years[0]}-01-08T02:00:00"`,
    '      rrule: FREQ=MONTHLY;BYDAY=2TH',
    '      duration: 4h',
    '      timeZone: Europe/Berlin',
    '      scope: {environments: [production]}',
    '    - name: payments-quarter-close',
    '      kind: freeze',
    `      start: "${model.years[0]}-03-30T00:00:00"`,
    '      rrule: FREQ=MONTHLY;BYMONTH=3,6,9,12;BYMONTHDAY=-2',
    '      duration: 2d',
    '      timeZone: Asia/Seoul',
  );
  if (scoped.length) L.push(`      scope: {services: ${flowList(scoped)}}`);
  L.push('      allow: [emergency]', '      reason: Quarter-end settlement and reporting');
  return L.join('\n') + '\n';
}

// ------------------------------------------------------------------------------------ faults
/** Each fault type, where it goes, and the one error code it should produce. */
const FAULT_TYPES = [
  { type: 'service-dangling-dependency', code: 'ref.unresolved', on: 'service' },
  { type: 'change-dangling-service', code: 'ref.unresolved', on: 'change' },
  { type: 'service-bad-tier', code: 'schema.enum', on: 'service' },
  { type: 'change-bad-duration', code: 'schema.format', on: 'change' },
  { type: 'ci-dangling-relation', code: 'ref.unresolved', on: 'cmdb' },
  { type: 'change-schedule-order', code: 'change.schedule-order', on: 'change' },
  { type: 'service-bad-duration', code: 'schema.format', on: 'service' },
  { type: 'change-missing-requester', code: 'schema.required', on: 'change' },
  { type: 'ci-bad-relation-type', code: 'schema.enum', on: 'cmdb' },
  { type: 'change-unknown-slo', code: 'ref.unresolved', on: 'change' },
  { type: 'service-unknown-owner', code: 'ref.unresolved', on: 'service' },
  { type: 'change-bad-instant', code: 'schema.format', on: 'change' },
  { type: 'slo-dangling-service', code: 'ref.unresolved', on: 'slos' },
  { type: 'change-bad-stage-duration', code: 'schema.format', on: 'change' },
  { type: 'team-bad-email', code: 'schema.format', on: 'team' },
  { type: 'ci-duplicate-name', code: 'name.duplicate', on: 'cmdb' },
  { type: 'ci-dependency-cycle', code: 'graph.cycle', on: 'cmdb' },
];

function planFaults(model, count, seed) {
  const R = makeRandom(seed * 104729 + 17);
  const used = new Set(); // one fault per file, so faults never interact
  const plan = { services: new Map(), cmdb: new Map(), slos: new Map(), changes: new Map(), teams: new Map(), list: [] };
  const apps = model.services.filter((x) => !x.infra);
  const normals = model.changes.filter((c) => c.type !== 'standard');
  const take = (pool, key, ok = () => true) => {
    for (let tries = 0; tries < 10_000; tries++) {
      const x = R.pick(pool);
      if (!used.has(key(x)) && ok(x)) {
        used.add(key(x));
        return x;
      }
    }
    throw new Error('could not place a fault: too many faults for this size');
  };
  for (let k = 0; k < count; k++) {
    const ft = FAULT_TYPES[k % FAULT_TYPES.length];
    let file;
    let alsoFile;
    switch (ft.on) {
      case 'service': {
        const svc = take(apps, (x) => `services/${x.name}/service.yaml`);
        const f = { service: { danglingDependency: 'service-dangling-dependency', badTier: 'service-bad-tier', badDuration: 'service-bad-duration', unknownOwner: 'service-unknown-owner' } };
        const key = Object.entries(f.service).find(([, v]) => v === ft.type)[0];
        plan.services.set(svc.name, { [key]: true });
        file = `services/${svc.name}/service.yaml`;
        break;
      }
      case 'slos': {
        const svc = take(
          apps.filter((x) => x.slos.length),
          (x) => `services/${x.name}/slos.yaml`,
        );
        plan.slos.set(svc.name, { danglingService: true });
        file = `services/${svc.name}/slos.yaml`;
        break;
      }
      case 'cmdb': {
        const svc = take(apps, (x) => `services/${x.name}/cmdb.yaml`);
        file = `services/${svc.name}/cmdb.yaml`;
        if (ft.type === 'ci-dangling-relation') plan.cmdb.set(svc.name, { byCi: { 1: { danglingRelation: true } } });
        else if (ft.type === 'ci-bad-relation-type') plan.cmdb.set(svc.name, { byCi: { 0: { badRelationType: true } } });
        else if (ft.type === 'ci-dependency-cycle') plan.cmdb.set(svc.name, { byCi: { 3: { cycleTo: svc.cis[4].name } } }); // tls -> lb -> tls
        else {
          // A copy of another service's CI (with no relations): its name is then defined twice.
          // The source sorts before the target, so the copy is the second definition seen.
          const other = take(apps, (x) => `dup-source:${x.name}`, (x) => x.name < svc.name && !x.name.startsWith(svc.name) && !svc.name.startsWith(x.name));
          const copy = { ...other.cis[1], relations: [] };
          plan.cmdb.set(svc.name, { duplicate: renderCi(copy, other) });
          alsoFile = `services/${other.name}/cmdb.yaml`;
        }
        break;
      }
      case 'change': {
        const cr = take(normals, (c) => `changes/${c.id}.yaml`);
        const map = {
          'change-dangling-service': 'danglingService',
          'change-bad-duration': 'badDuration',
          'change-schedule-order': 'scheduleOrder',
          'change-missing-requester': 'missingRequester',
          'change-unknown-slo': 'unknownSlo',
          'change-bad-instant': 'badInstant',
          'change-bad-stage-duration': 'badStageDuration',
        };
        plan.changes.set(cr.id, { [map[ft.type]]: true });
        file = `changes/${cr.id}.yaml`;
        break;
      }
      case 'team': {
        const t = take(model.teams.slice(4), (x) => `teams/${x.name}.yaml`);
        plan.teams.set(t.name, { badEmail: true });
        file = `teams/${t.name}.yaml`;
        break;
      }
    }
    // alsoFile: a duplicate name may be reported on either definition, depending on file order.
    plan.list.push({ file, type: ft.type, code: ft.code, ...(alsoFile ? { alsoFile } : {}) });
  }
  plan.list.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return plan;
}

// ------------------------------------------------------------------------------------ output
/**
 * Writes the organisation to outDir (which must not exist or must be a previous output of this
 * generator) and returns its manifest.
 */
export function generateOrg({ size, seed = 1, faults = 0, outDir }) {
  const model = buildModel(size, seed);
  const plan = faults > 0 ? planFaults(model, faults, seed) : undefined;
  if (existsSync(outDir)) {
    if (!existsSync(join(outDir, 'manifest.json'))) throw new Error(`${outDir} exists and was not made by this generator; refusing to overwrite it`);
    rmSync(outDir, { recursive: true, force: true });
  }
  let files = 0;
  let bytes = 0;
  const documents = {};
  const write = (rel, text, docs) => {
    const abs = join(outDir, rel);
    writeFileSync(abs, text);
    files++;
    bytes += Buffer.byteLength(text);
    for (const [kind, n] of Object.entries(docs)) documents[kind] = (documents[kind] ?? 0) + n;
  };
  mkdirSync(join(outDir, 'teams'), { recursive: true });
  mkdirSync(join(outDir, 'changes', 'templates'), { recursive: true });
  for (const t of model.teams) write(`teams/${t.name}.yaml`, renderTeam(t, plan?.teams.get(t.name)), { Team: 1 });
  for (const svc of model.services) {
    mkdirSync(join(outDir, 'services', svc.name), { recursive: true });
    write(`services/${svc.name}/service.yaml`, renderService(svc, plan?.services.get(svc.name)), { Service: 1 });
    if (svc.slos.length) write(`services/${svc.name}/slos.yaml`, renderSlos(svc, plan?.slos.get(svc.name)), { SLO: svc.slos.length });
    const cmdbFault = plan?.cmdb.get(svc.name);
    write(`services/${svc.name}/cmdb.yaml`, renderCmdb(svc, cmdbFault), { ConfigurationItem: svc.cis.length + (cmdbFault?.duplicate ? 1 : 0) });
  }
  for (const cr of model.changes) write(`changes/${cr.id}.yaml`, renderChange(cr, plan?.changes.get(cr.id)), { ChangeRequest: 1 });
  write('changes/policy.yaml', renderPolicy(), { Policy: 1 });
  write('changes/calendar.yaml', renderCalendar(model), { ChangeCalendar: 1 });
  for (const t of model.templates) write(`changes/templates/${t.name}.yaml`, renderTemplate(t), { StandardChange: 1 });

  const manifest = {
    generator: generatorHash(),
    size,
    seed,
    faults,
    files,
    documents: Object.values(documents).reduce((a, b) => a + b, 0),
    byKind: documents,
    bytes,
  };
  writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  writeFileSync(join(outDir, 'faults.json'), JSON.stringify(plan?.list ?? [], null, 2) + '\n');
  return manifest;
}

/** Reuses outDir when its manifest says it was made by this generator with these parameters. */
export function ensureOrg({ size, seed = 1, faults = 0, outDir }) {
  try {
    const m = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8'));
    if (m.generator === generatorHash() && m.size === size && m.seed === seed && m.faults === faults) return { manifest: m, reused: true };
  } catch {
    // missing or unreadable: generate
  }
  mkdirSync(dirname(resolve(outDir)), { recursive: true });
  return { manifest: generateOrg({ size, seed, faults, outDir }), reused: false };
}

// ------------------------------------------------------------------------------------ CLI
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => {
    const i = args.indexOf(name);
    if (i < 0) return dflt;
    const v = Number(args[i + 1]);
    args.splice(i, 2);
    if (!Number.isInteger(v) || v < 0) {
      console.error(`${name} needs a whole number`);
      process.exit(2);
    }
    return v;
  };
  const seed = opt('--seed', 1);
  const faults = opt('--faults', 0);
  const [size, outDir] = args;
  if (!SIZES[size] || !outDir) {
    console.error('usage: node bench/generate.mjs S|L OUTDIR [--seed N] [--faults N]');
    process.exit(2);
  }
  const t0 = performance.now();
  try {
    const m = generateOrg({ size, seed, faults, outDir });
    console.log(`${outDir}: ${m.files} files, ${m.documents} documents (${Object.entries(m.byKind).map(([k, n]) => `${k} ${n}`).join(', ')}), ${(m.bytes / 1048576).toFixed(1)} MiB, ${faults} faults, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } catch (e) {
    console.error(e.message);
    process.exit(2);
  }
}
