/**
 * npm run bench:commands [-- --seconds 5 --adapters pglite,postgres]
 *
 * recordMeeting through the whole HTTP path (JWT check, Apollo, class-validator, CommandBus, decide,
 * append with expected revision) with 8 concurrent clients, next to the raw single-append rate of the
 * same kind of store measured in the same run: 8 writers calling appendToStream with one event each, on a
 * store of its own (the API's store holds only what the API wrote, so its projections see real events).
 * The API runs as its own process, built as `npm run start:prod` runs it, so client and server do not
 * share an event loop. Each client is a coach recording meetings of their own network; a second round
 * puts all 8 clients on one network, where commands queue behind each other.
 * Beside it, the yardstick of what a team would build instead: `recordMeetingRow` (crud-baseline,
 * served with KRING_BENCH_BASELINE=on) takes the same input through the same stack and inserts one row.
 * The two alternate, twice each; target (issue 14): recordMeeting, with live projections, >= 0.6x
 * the row's rate at 8 clients and p99 <= 25 ms.
 * Prints a table per store, then one JSON line per store.
 */
import { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { openEventStore } from '@kring/event-store';
import { GraphqlClient, graphqlClient, signToken } from '../test/support/graphql-client';
import { pgliteTarget, postgresTarget, StoreTarget } from '../test/support/targets';
import { buildApi, cpuMeter, cpuMsOf, forSeconds, log, pct, percentile, pooled, startServer, stopServer } from './support';

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

function meetingInput({ networkId, members }: { networkId: string; members: string[] }, n: number) {
  const day = String((n % 28) + 1).padStart(2, '0');
  return { networkId, heldOn: `2024-02-${day}`, activity: 'koffie drinken', attended: members.slice(0, 6), absent: members.slice(6) };
}

function recordMeeting(api: GraphqlClient, token: string, network: { networkId: string; members: string[] }, n: number) {
  return api.mutate('recordMeeting', meetingInput(network, n), token);
}

/** The same input as one row, through the same stack (crud-baseline). */
async function recordMeetingRow(api: GraphqlClient, token: string, network: { networkId: string; members: string[] }, n: number) {
  const { errors } = await api.graphql(
    'mutation ($input: RecordMeetingInput!) { recordMeetingRow(input: $input) { id } }',
    { input: meetingInput(network, n) },
    token,
  );
  if (errors) throw new Error(`recordMeetingRow failed: ${JSON.stringify(errors)}`);
}

/** The store's own limit: 8 writers appending one event each, on an empty store of the adapter the API uses next. */
async function rawSingleAppends(target: StoreTarget) {
  const fresh = await target.fresh('bench-raw-appends');
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
    await fresh.dispose();
  }
}

/**
 * CPU used during rounds of one kind, per process: the API (PGlite's database runs inside it), this
 * bench's clients, and PostgreSQL's server processes (0 on PGlite).
 */
class CpuTotals {
  private readonly totals = { api: 0, client: 0, postgres: 0 };

  async during<T>(server: ChildProcess, work: () => Promise<T>): Promise<T> {
    const api = cpuMsOf(server.pid) ?? NaN;
    const others = cpuMeter();
    const result = await work();
    const { nodeMs, postgresMs } = others();
    this.totals.api += (cpuMsOf(server.pid) ?? NaN) - api;
    this.totals.client += nodeMs;
    this.totals.postgres += postgresMs;
    return result;
  }

  /** Per request, to two decimals, with the sum of the three. */
  per(requests: number): { api: number; client: number; postgres: number; total: number } {
    const of = (ms: number) => Number((ms / requests).toFixed(2));
    const { api, client, postgres } = this.totals;
    return { api: of(api), client: of(client), postgres: of(postgres), total: of(api + client + postgres) };
  }
}

/** The projections ran alongside: a read after the last command sees every meeting (a bench without them would flatter). */
async function readModelKeptUp(api: GraphqlClient, token: string, networkId: string, meetings: number, after: bigint): Promise<void> {
  const started = performance.now();
  const { data, errors } = await api.graphql<{ network: { meetingsHeld: number } | null }>(
    'query($id: ID!, $after: Position) { network(id: $id, after: $after) { meetingsHeld } }',
    { id: networkId, after: after.toString() },
    token,
  );
  if (errors || data?.network?.meetingsHeld !== meetings)
    throw new Error(`the read model did not keep up: ${JSON.stringify(errors ?? data)}, expected ${meetings} meetings`);
  log(
    `read model after the last command          ${meetings} meetings on network 1, visible after ${Math.round(performance.now() - started)} ms`,
  );
}

async function benchStore(target: StoreTarget, port: number) {
  log(`\n== ${target.adapter}: ${CLIENTS} clients for ${SECONDS}s each round`);
  const raw = await rawSingleAppends(target);
  log(`store: 1-event appends, ${CLIENTS} writers             ${raw.perSec} appends/s`);
  const fresh = await target.fresh('bench-commands');
  let server: ChildProcess | undefined;
  try {
    server = await startServer(fresh, port, { KRING_BENCH_BASELINE: 'on' });
    const api = graphqlClient(`http://127.0.0.1:${port}`);
    // A project leader starts the networks (a facilitator may not) and records every meeting.
    const token = await signToken('coach-1', ['PROJECT_LEADER'], { expiresIn: '1h' });
    const networks: Array<{ networkId: string; members: string[] }> = [];
    for (let n = 0; n < CLIENTS; n++) networks.push(await networkWithMembers(api, token, n));

    const recorded = new Map<string, number>();
    let last = 0n;
    const record = async (network: (typeof networks)[number], n: number) => {
      const { position } = await recordMeeting(api, token, network, n);
      recorded.set(network.networkId, (recorded.get(network.networkId) ?? 0) + 1);
      if (BigInt(position) > last) last = BigInt(position);
    };

    const ownRounds = [];
    const rowRounds = [];
    const ownCpu = new CpuTotals();
    const rowCpu = new CpuTotals();
    for (let round = 0; round < 2; round++) {
      ownRounds.push(await ownCpu.during(server, () => forSeconds(CLIENTS, SECONDS / 2, (w, n) => record(networks[w], n))));
      rowRounds.push(
        await rowCpu.during(server, () => forSeconds(CLIENTS, SECONDS / 2, (w, n) => recordMeetingRow(api, token, networks[w], n))),
      );
    }
    const own = pooled(ownRounds);
    const rows = pooled(rowRounds);
    const p50 = percentile(own.latencies, 50);
    const p99 = percentile(own.latencies, 99);
    log(
      `recordMeeting over HTTP, own network each   ${own.perSec} commands/s  p50 ${p50} ms  p99 ${p99} ms  (${pct(own.perSec, raw.perSec)} of raw; target >= 50%)`,
    );
    log(
      `recordMeetingRow (one INSERT, same stack)   ${rows.perSec} rows/s  p50 ${percentile(rows.latencies, 50)} ms  p99 ${percentile(rows.latencies, 99)} ms  (recordMeeting ${pct(own.perSec, rows.perSec)} of it; target >= 60%, p99 <= 25 ms)`,
    );
    const cpuPerCommand = ownCpu.per(own.count);
    const cpuPerRow = rowCpu.per(rows.count);
    // On 2 shared cores the rate follows the CPU all processes spend per request: this shows whose it is.
    log(`CPU per recordMeeting, ms by process      ${JSON.stringify(cpuPerCommand)}`);
    log(`CPU per recordMeetingRow, ms by process   ${JSON.stringify(cpuPerRow)}`);

    const shared = await forSeconds(CLIENTS, SECONDS, (_, n) => record(networks[0], n));
    log(
      `recordMeeting over HTTP, all on one network  ${shared.perSec} commands/s  p50 ${percentile(shared.latencies, 50)} ms  p99 ${percentile(shared.latencies, 99)} ms`,
    );
    await readModelKeptUp(api, token, networks[0].networkId, recorded.get(networks[0].networkId) ?? 0, last);
    return {
      adapter: target.adapter,
      clients: CLIENTS,
      commandsPerSec: own.perSec,
      p50Ms: p50,
      p99Ms: p99,
      rawSingleAppendsPerSec: raw.perSec,
      ratioToRaw: Number((own.perSec / raw.perSec).toFixed(2)),
      crudRowsPerSec: rows.perSec,
      crudP99Ms: percentile(rows.latencies, 99),
      ratioToCrud: Number((own.perSec / rows.perSec).toFixed(2)),
      ratioToCrudTarget: 0.6,
      p99TargetMs: 25,
      cpuMsPerCommand: cpuPerCommand,
      cpuMsPerCrudRow: cpuPerRow,
      oneNetworkCommandsPerSec: shared.perSec,
      oneNetworkP99Ms: percentile(shared.latencies, 99),
    };
  } finally {
    if (server) await stopServer(server);
    await fresh.dispose();
  }
}

async function main(): Promise<void> {
  const targets = { pglite: pgliteTarget, postgres: postgresTarget };
  buildApi();
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
