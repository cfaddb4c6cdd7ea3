/**
 * The projector: builds every read model from the log, for API replicas that run with
 * KRING_PROJECTIONS=off. Several may run: one leads each projection (a PostgreSQL advisory lock), the
 * others stand by and take over within the lock retry when it dies. It serves /health and /metrics.
 */
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { PROJECTIONS } from '@kring/domain';
import { describeEventStoreConfig, eventStoreConfigFromEnv, openEventStoreWithSql, readModelsOf } from '@kring/event-store';
import { LONGEST_ROUND_INTERVAL_MS, ProjectionEngine, registerProjectionMetrics, ROUND_SHARE } from '@kring/projections';
import { pino } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { SettingsError, settingsFrom, unknownSettings } from '../../api/src/settings';

const log = pino({ name: 'projector' });

async function main(): Promise<void> {
  const settings = settingsFrom(process.env);
  for (const warning of unknownSettings(process.env)) log.warn(warning);
  const config = eventStoreConfigFromEnv();
  if (readModelsOf(config).adapter === 'pglite')
    throw new SettingsError(
      'the projector needs read models in PostgreSQL (KRING_DATABASE_URL): on the embedded store the API projects in its own process',
    );
  const { store, sql } = await openEventStoreWithSql(config);
  log.info(`event log: ${describeEventStoreConfig(config)}`);
  const engine = new ProjectionEngine(store, sql, PROJECTIONS, {
    lockRetryMs: settings.KRING_LEADER_RETRY_MS,
    // Its readers wait in the API replicas, out of its sight: it follows the log as if they always did.
    unwaitedRoundShare: ROUND_SHARE,
    longestUnwaitedRoundIntervalMs: LONGEST_ROUND_INTERVAL_MS,
    log: (message) => log.info(message),
  });
  await engine.start();

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registerProjectionMetrics(registry, engine, store);
  const server = serve(registry, engine);
  server.listen(settings.PORT, settings.HOST);
  await once(server, 'listening');
  log.info(`projector serving /health and /metrics on port ${settings.PORT}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping (the standby takes over the projections)`);
    server.close();
    await engine.stop();
    await store.close();
    process.exit(0);
  };
  process.on('SIGTERM', (signal) => void stop(signal));
  process.on('SIGINT', (signal) => void stop(signal));
}

function serve(registry: Registry, engine: ProjectionEngine): Server {
  return createServer((request, response) => {
    const reply = (status: number, type: string, body: string) => response.writeHead(status, { 'content-type': type }).end(body);
    if (request.method !== 'GET') return reply(405, 'text/plain', 'GET only\n');
    if (request.url === '/metrics') {
      registry.metrics().then(
        (text) => reply(200, registry.contentType, text),
        (error: Error) => reply(500, 'text/plain', `${error.message}\n`),
      );
      return;
    }
    if (request.url === '/health') {
      return reply(200, 'application/json', JSON.stringify({ status: 'ok', projections: engine.statusReport() }));
    }
    reply(404, 'text/plain', 'not found: /health and /metrics are served here\n');
  });
}

main().catch((error: Error) => {
  log.error(`the projector could not start: ${error.message}`);
  process.exit(1);
});
