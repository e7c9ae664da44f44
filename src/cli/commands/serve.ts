import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Webhooks } from '@octokit/webhooks';
import { CommitOrganisations } from '../../app/load-organisation.js';
import { BlobAnalysisCache } from '../../adapters/git/blob-cache.js';
import { RepositoryMirrors } from '../../adapters/git/mirror.js';
import { createGitHubApp } from '../../adapters/github/app-auth.js';
import { MAX_WEBHOOK_BYTES } from '../../adapters/github/env.js';
import { DeliveryLog } from '../../adapters/http/delivery-log.js';
import { startWebhookServer } from '../../adapters/http/webhook-server.js';
import { defineCommand, defineOptions, type OptionsOf } from '../command-spec.js';
import { UsageError, type CommandContext } from '../context.js';
import { serveConfigFromEnv } from '../serve/config.js';
import { queueKey, registerAppHandlers } from '../serve/handlers.js';
import { catalogUrlFromEnv } from '../github/session.js';
import { createServerLog } from '../serve/log.js';

const options = defineOptions({
  port: { type: 'string', short: 'p', default: '3000', description: 'the port to listen on (0: any free port, logged)', example: '8080' },
  data: { type: 'string', description: 'the folder for repository mirrors and delivery ids', defaultText: './opsledger-data', example: '/var/lib/opsledger' },
});

export const serveSpec = defineCommand({
  name: 'serve',
  summary: 'run the opsledger GitHub App: the opsledger/cab check run and deployment protection rules, from webhooks',
  usage: ['opsledger serve [--port N] [--data DIR]', '  env: OPSLEDGER_APP_ID, OPSLEDGER_PRIVATE_KEY or OPSLEDGER_PRIVATE_KEY_PATH, OPSLEDGER_WEBHOOK_SECRET, GITHUB_API_URL', '  optional: OPSLEDGER_CACHE_MB (parsed blobs kept in memory, default 1024), OPSLEDGER_CACHE_COMMITS (organisations kept, default 4)'],
  options,
  examples: ['OPSLEDGER_APP_ID=123456 OPSLEDGER_PRIVATE_KEY_PATH=app.pem OPSLEDGER_WEBHOOK_SECRET=... opsledger serve --data /var/lib/opsledger'],
  run: serveCommand,
});

/**
 * `opsledger serve`: the GitHub App's webhook server (`POST /api/github/webhooks`, `GET
 * /healthz`). Runs until SIGTERM or SIGINT, finishes the deliveries it accepted, then exits 0.
 * Exit 2 when the configuration is missing or unusable, naming the variable.
 */
export async function serveCommand(ctx: CommandContext, values: OptionsOf<typeof options>): Promise<number> {
  if (!/^\d{1,5}$/.test(values.port) || Number(values.port) > 65535) throw new UsageError(`--port takes a port number (0-65535), not "${values.port}"`);
  const config = serveConfigFromEnv(ctx.env, ctx.cwd);
  const data = resolve(ctx.cwd, values.data ?? 'opsledger-data');
  mkdirSync(join(data, 'mirrors'), { recursive: true });

  const log = createServerLog((line) => ctx.stdout(line));
  log.secret(config.webhookSecret);
  log.secret(config.privateKey);
  const webhooks = new Webhooks({ secret: config.webhookSecret });
  registerAppHandlers(webhooks, {
    app: createGitHubApp({ appId: config.appId, privateKey: config.privateKey, baseUrl: config.apiUrl }, config.tuning),
    mirrors: new RepositoryMirrors(join(data, 'mirrors')),
    log,
    now: Date.now,
    deadlineMs: config.decisionTimeoutMs,
    caches: { blobs: new BlobAnalysisCache(config.cache.maxBytes), organisations: new CommitOrganisations(config.cache.maxCommits) },
    catalogUrl: catalogUrlFromEnv(ctx.env),
  });
  const server = await startWebhookServer({
    webhooks,
    deliveries: new DeliveryLog(join(data, 'deliveries.log')),
    port: Number(values.port),
    maxBodyBytes: MAX_WEBHOOK_BYTES,
    queueKey,
    log,
  });
  log({ outcome: 'listening', port: server.port, api: config.apiUrl, data });

  const signal = await new Promise<string>((done) => {
    process.once('SIGTERM', () => done('SIGTERM'));
    process.once('SIGINT', () => done('SIGINT'));
  });
  log({ outcome: 'stopping', signal });
  await server.stop();
  log({ outcome: 'stopped' });
  return 0;
}
