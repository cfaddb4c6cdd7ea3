/**
 * npm run bench:share [-- --small 10000 --large 1000000 --adapters postgres,pglite --runs 200]
 *
 * shareInformation through the whole HTTP path of the built API, on a log of 10k events and on one of
 * 1M (the realistic log of test/support/realistic-log.ts, written while the API is stopped; its
 * projections build when it starts again). The command looks up the person's sharing circle; its cost must not
 * grow with the log: target, p50 on the large log within 1.2x of the p50 on the small one. One JSON
 * line per adapter and log size, then one with the ratio.
 */
import { parseArgs } from 'node:util';
import { openEventStore } from '@kring/event-store';
import { networkCharter } from '../test/support/fixtures';
import { graphqlClient, signToken } from '../test/support/graphql-client';
import { generateRealisticLog } from '../test/support/realistic-log';
import { pgliteTarget, postgresTarget, type StoreTarget } from '../test/support/targets';
import { buildApi, log, logFigure, percentile, startServer, stopServer } from './support';

const { values: args } = parseArgs({
  options: {
    small: { type: 'string', default: '10000' },
    large: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '200' },
    adapters: { type: 'string', default: 'postgres,pglite' },
  },
});
const RUNS = Number(args.runs);
const PORT = 3901;

async function shareOnLogOf(target: StoreTarget, events: number) {
  const fresh = await target.fresh('bench-share');
  // A first start on the empty store sets up its key store, as for any installation that then grows.
  const first = await startServer(fresh, PORT);
  await stopServer(first);
  const store = await openEventStore(fresh.config);
  let last = Date.now();
  const written = await generateRealisticLog(store, events, (count) => {
    if (Date.now() - last < 10_000) return;
    last = Date.now();
    log(`  ${target.adapter}: ${count} of ${events} events written`);
  });
  const head = await store.headPosition();
  await store.close();
  // Reads with `after` may wait for the projections' first build over the whole log.
  const server = await startServer(fresh, PORT, { KRING_READ_WAIT_MS: '600000' });
  try {
    const api = graphqlClient(`http://127.0.0.1:${PORT}`);
    const leader = await signToken('leader-1', ['PROJECT_LEADER'], { expiresIn: '1h' });
    const built = performance.now();
    const caughtUp = await api.graphql('query($after: Position) { networks(after: $after) { id } }', { after: head.toString() }, leader);
    if (caughtUp.errors) throw new Error(JSON.stringify(caughtUp.errors));
    log(`  ${target.adapter}: ${written} events; read models caught up ${Math.round(performance.now() - built)} ms after the API answered`);
    const network = await api.mutate('startNetwork', networkCharter('PEER_NETWORK'), leader);
    const people = [];
    for (const name of ['Truus', 'Kees']) {
      const { id } = await api.mutate(
        'registerParticipant',
        { displayName: name, municipality: 'Baarn', consentToEvaluation: true },
        leader,
      );
      await api.mutate('joinNetwork', { networkId: network.id, participantId: id, role: 'PARTICIPANT', joinedOn: '2024-01-02' }, leader);
      people.push(id);
    }
    const latencies: number[] = [];
    for (let n = 0; n < RUNS; n++) {
      const begun = performance.now();
      await api.mutate(
        'shareInformation',
        { participantId: people[0], topic: `onderwerp ${n}`, sharedWith: [people[1]], on: '2024-06-10' },
        leader,
      );
      latencies.push(performance.now() - begun);
    }
    latencies.sort((a, b) => a - b);
    const p50Ms = percentile(latencies, 50);
    logFigure({
      figure: `shareInformation p50, log of ${written} events`,
      adapter: target.adapter,
      value: p50Ms,
      unit: 'ms',
      details: { runs: RUNS, p99Ms: percentile(latencies, 99) },
    });
    return { p50Ms, written };
  } finally {
    await stopServer(server);
    await fresh.dispose();
  }
}

async function main(): Promise<void> {
  const targets = { pglite: pgliteTarget, postgres: postgresTarget };
  buildApi();
  for (const name of args.adapters!.split(',')) {
    const target = targets[name as keyof typeof targets];
    const small = await shareOnLogOf(target, Number(args.small));
    const large = await shareOnLogOf(target, Number(args.large));
    logFigure({
      figure: 'shareInformation p50, large log against small',
      adapter: target.adapter,
      value: large.p50Ms,
      unit: 'ms',
      yardstick: { name: `the same on a log of ${small.written} events`, value: small.p50Ms },
      target: { op: '<=', bound: 1.2 },
      details: { largeLogEvents: large.written },
    });
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`bench:share failed: ${error.stack}\n`);
    process.exit(1);
  },
);
