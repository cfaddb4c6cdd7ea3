/**
 * npm run bench:commands [-- --seconds 5 --adapters pglite,postgres]
 *
 * recordMeeting through the whole HTTP path (JWT check, Apollo, class-validator, CommandBus, decide,
 * append with expected revision) with 8 concurrent clients, next to the raw single-append rate of the
 * same store measured in the same run: 8 writers calling appendToStream with one event each.
 * The API runs as its own process, built as `npm run start:prod` runs it, so client and server do not
 * share an event loop. Each client is a coach recording meetings of their own network; a second round
 * puts all 8 clients on one network, where commands queue behind each other.
 * Prints a table per store, then one JSON line per store.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { openEventStore } from '@kring/event-store';
import { GraphqlClient, graphqlClient, signToken, TEST_AUTH_SECRET } from '../test/support/graphql-client';
import { FreshStore, pgliteTarget, postgresTarget, StoreTarget } from '../test/support/targets';
import { forSeconds, log, pct, percentile } from './support';

const { values: args } = parseArgs({
  options: { seconds: { type: 'string', default: '5' }, adapters: { type: 'string', default: 'pglite,postgres' } },
});
const SECONDS = Number(args.seconds);
const CLIENTS = 8;
const MEMBERS = 8;

async function networkWithMembers(api: GraphqlClient, token: string, n: number): Promise<{ networkId: string; members: string[] }> {
  const network = await api.mutate(
    'startNetwork',
    {
      name: `Samen Sterk ${n}`,
      method: 'PEER_NETWORK',
      municipality: 'Baarn',
      purpose: 'eenzaamheid bestrijden',
      funding: 'SUBSIDIE',
      cadenceWeeks: 1,
      startedOn: '2024-01-01',
    },
    token,
  );
  const members: string[] = [];
  for (let m = 0; m < MEMBERS; m++) {
    const { id } = await api.mutate(
      'registerParticipant',
      { displayName: `Deelnemer ${n}.${m}`, municipality: 'Baarn', consentToEvaluation: true },
      token,
    );
    await api.mutate('joinNetwork', { networkId: network.id, participantId: id, role: 'PARTICIPANT', joinedOn: '2024-01-02' }, token);
    members.push(id);
  }
  return { networkId: network.id, members };
}

function recordMeeting(api: GraphqlClient, token: string, { networkId, members }: { networkId: string; members: string[] }, n: number) {
  const day = String((n % 28) + 1).padStart(2, '0');
  return api.mutate(
    'recordMeeting',
    { networkId, heldOn: `2024-02-${day}`, activity: 'koffie drinken', attended: members.slice(0, 6), absent: members.slice(6) },
    token,
  );
}

/** The store's own limit: 8 writers appending one event each, on the store the API will use next. */
async function rawSingleAppends(fresh: FreshStore) {
  const store = await openEventStore(fresh.config);
  try {
    const metadata = { actorId: 'coach-1', actorRoles: ['FACILITATOR'], commandId: randomUUID(), correlationId: randomUUID() };
    return await forSeconds(CLIENTS, SECONDS, (w, n) =>
      store.appendToStream(`raw-${w}-${n % 50}`, [
        { type: 'MeetingHeld', data: { networkId: `raw-${w}`, heldOn: '2024-02-01', attended: [], absent: [], n }, metadata },
      ]),
    );
  } finally {
    await store.close();
  }
}

async function startServer(fresh: FreshStore, port: number): Promise<ChildProcess> {
  const server = spawn(process.execPath, ['dist/apps/api/apps/api/src/main.js'], {
    env: {
      ...process.env,
      KRING_DATABASE_URL: '',
      KRING_DATA_DIR: '',
      ...fresh.env,
      KRING_AUTH_SECRET: TEST_AUTH_SECRET,
      PORT: String(port),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the API exited with code ${server.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return server;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  server.kill();
  throw new Error('the API did not answer /health within 60 s');
}

async function benchStore(target: StoreTarget, port: number) {
  const fresh = await target.fresh('bench-commands');
  let server: ChildProcess | undefined;
  try {
    log(`\n== ${target.adapter}: ${CLIENTS} clients for ${SECONDS}s each round`);
    const raw = await rawSingleAppends(fresh);
    log(`store: 1-event appends, ${CLIENTS} writers             ${raw.perSec} appends/s`);

    server = await startServer(fresh, port);
    const api = graphqlClient(`http://127.0.0.1:${port}`);
    const token = await signToken('coach-1', ['FACILITATOR'], { expiresIn: '1h' });
    const networks: Array<{ networkId: string; members: string[] }> = [];
    for (let n = 0; n < CLIENTS; n++) networks.push(await networkWithMembers(api, token, n));

    const own = await forSeconds(CLIENTS, SECONDS, (w, n) => recordMeeting(api, token, networks[w], n));
    const p50 = percentile(own.latencies, 50);
    const p99 = percentile(own.latencies, 99);
    log(
      `recordMeeting over HTTP, own network each   ${own.perSec} commands/s  p50 ${p50} ms  p99 ${p99} ms  (${pct(own.perSec, raw.perSec)} of raw; target >= 50%)`,
    );

    const shared = await forSeconds(CLIENTS, SECONDS, (_, n) => recordMeeting(api, token, networks[0], n));
    log(
      `recordMeeting over HTTP, all on one network  ${shared.perSec} commands/s  p50 ${percentile(shared.latencies, 50)} ms  p99 ${percentile(shared.latencies, 99)} ms`,
    );
    return {
      adapter: target.adapter,
      clients: CLIENTS,
      commandsPerSec: own.perSec,
      p50Ms: p50,
      p99Ms: p99,
      rawSingleAppendsPerSec: raw.perSec,
      ratioToRaw: Number((own.perSec / raw.perSec).toFixed(2)),
      oneNetworkCommandsPerSec: shared.perSec,
      oneNetworkP99Ms: percentile(shared.latencies, 99),
    };
  } finally {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await once(server, 'exit');
    }
    await fresh.dispose();
  }
}

async function main(): Promise<void> {
  const targets = { pglite: pgliteTarget, postgres: postgresTarget };
  log('Building the API (nest build api)...');
  execFileSync(process.execPath, ['node_modules/@nestjs/cli/bin/nest.js', 'build', 'api'], { stdio: 'inherit' });
  const results = [];
  for (const adapter of args.adapters.split(',') as Array<keyof typeof targets>) results.push(await benchStore(targets[adapter], 3900));
  log('');
  for (const figures of results) log(JSON.stringify(figures));
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`bench:commands failed: ${error.stack}\n`);
    process.exit(1);
  },
);
