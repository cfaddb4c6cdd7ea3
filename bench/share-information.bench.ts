/**
 * npm run bench:share [-- --small 10000 --large 1000000 --adapters postgres,pglite --runs 200]
 *
 * shareInformation through the whole HTTP path, on a log of 10k events and on one of 1M (the realistic
 * log of test/support/realistic-log.ts, written beside the API while its projections follow). The
 * command looks up the person's sharing circle; its cost must not grow with the log: target, p50 on
 * the large log within 1.2x of the p50 on the small one. One JSON line per adapter and log size, then
 * one with the ratio.
 */
import { parseArgs } from 'node:util';
import { ReadModels, PROJECTIONS } from '../apps/api/src/read-models/read-models';
import { startApi } from '../test/support/api';
import { generateRealisticLog } from '../test/support/realistic-log';
import { pgliteTarget, postgresTarget, type StoreTarget } from '../test/support/targets';
import { log, percentile } from './support';

const { values: args } = parseArgs({
  options: {
    small: { type: 'string', default: '10000' },
    large: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '200' },
    adapters: { type: 'string', default: 'postgres,pglite' },
  },
});
const RUNS = Number(args.runs);

async function shareOnLogOf(target: StoreTarget, events: number) {
  const api = await startApi(target, 'bench-share');
  try {
    const leader = await api.token('leader-1', ['PROJECT_LEADER']);
    let last = Date.now();
    await generateRealisticLog(api.store, events, (written) => {
      if (Date.now() - last < 5000) return;
      last = Date.now();
      log(`  ${target.adapter}: ${written} of ${events} events written`);
    });
    const head = await api.store.headPosition();
    await api.app.get(ReadModels).engine.waitFor(
      PROJECTIONS.map((projection) => projection.name),
      head,
      30 * 60_000,
    );
    const network = await api.mutate(
      'startNetwork',
      {
        name: 'Samen Sterk',
        method: 'PEER_NETWORK',
        municipality: 'Baarn',
        purpose: 'p',
        funding: 'SUBSIDIE',
        cadenceWeeks: 1,
        startedOn: '2024-01-01',
      },
      leader,
    );
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
    const figures = {
      adapter: target.adapter,
      logEvents: Number(head),
      runs: RUNS,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
    };
    log(JSON.stringify({ figure: 'shareInformation', ...figures }));
    return figures;
  } finally {
    await api.close();
  }
}

async function main(): Promise<void> {
  const targets = { pglite: pgliteTarget, postgres: postgresTarget };
  for (const name of args.adapters!.split(',')) {
    const target = targets[name as keyof typeof targets];
    const small = await shareOnLogOf(target, Number(args.small));
    const large = await shareOnLogOf(target, Number(args.large));
    log(
      JSON.stringify({
        figure: 'shareInformation p50, large log over small',
        adapter: target.adapter,
        ratio: Number((large.p50Ms / small.p50Ms).toFixed(2)),
        target: '<= 1.2',
      }),
    );
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`bench:share failed: ${error.stack}\n`);
    process.exit(1);
  },
);
