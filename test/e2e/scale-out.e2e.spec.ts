/**
 * Scale-out on PostgreSQL, with Kring's own programs as separate processes: two projectors (one leads
 * every projection, one stands by) and two API replicas with KRING_PROJECTIONS=off. Commands go to
 * both replicas while the leading projector is killed with SIGKILL; the standby must take over within
 * TAKEOVER_LIMIT_MS, every acknowledged command must be readable on the other replica (read-your-writes
 * across processes, through `after`), and the read models must end equal to a fresh rebuild. A
 * subscription on one replica must hear of a change written through the other.
 */
import { randomUUID } from 'node:crypto';
import { PROJECTIONS } from '@kring/domain';
import { openEventStoreWithSql } from '@kring/event-store';
import { ProjectionEngine } from '@kring/projections';
import { eventually } from '../support/eventually';
import { networkCharter, newParticipant } from '../support/fixtures';
import { GraphqlResponse, graphqlClient, signToken, TEST_AUTH_SECRET, TEST_MASTER_KEY } from '../support/graphql-client';
import { KringProcess, startKringProcess } from '../support/processes';
import { dumpReadModels } from '../support/read-models';
import { changeUntil, subscribeToNetwork } from '../support/subscriptions';
import { describeOn, FreshStore, postgresTarget } from '../support/targets';

/** How often a standby tries to take a projection over. */
const LEADER_RETRY_MS = 500;
/** What the standby must stay within, from the SIGKILL until it leads every projection. */
const TAKEOVER_LIMIT_MS = 5_000;

interface ProjectorHealth {
  projections: Record<string, { checkpoint: string; leading: boolean }>;
}

const health = async (projector: KringProcess): Promise<ProjectorHealth> =>
  (await fetch(`${projector.url}/health`)).json() as Promise<ProjectorHealth>;
const leadsAll = async (projector: KringProcess) =>
  Object.values((await health(projector)).projections).every((projection) => projection.leading);

/** One acknowledged joinNetwork: the member the read models must show, and the position its API answered. */
interface Acknowledged {
  networkId: string;
  participantId: string;
  position: string;
  api: number;
}

describeOn(postgresTarget, 'Scale-out: two projectors and two API replicas on PostgreSQL', () => {
  let fresh: FreshStore;
  const running: KringProcess[] = [];

  beforeAll(async () => {
    fresh = await postgresTarget.fresh('scale-out');
  });
  afterAll(async () => {
    await Promise.all(running.map((process) => process.stop()));
    await fresh?.dispose();
  });

  it('the standby takes over within the limit after SIGKILL, no acknowledged command is lost, and the read models equal a fresh rebuild', async () => {
    const env = {
      ...fresh.env,
      KRING_DATA_DIR: '',
      KRING_EVENT_STORE: '',
      KRING_AUTH_SECRET: TEST_AUTH_SECRET,
      KRING_AUTH_JWKS_URL: '',
      KRING_MASTER_KEY: TEST_MASTER_KEY,
      KRING_DEMO: 'off',
      KRING_RATE_LIMIT: '100000000',
      KRING_LEADER_RETRY_MS: String(LEADER_RETRY_MS),
    };
    // The first projector leads every projection; the second, started after, stands by.
    const leader = await startKringProcess('bin/projector.js', env);
    running.push(leader);
    await eventually('the first projector leads every projection', () => leadsAll(leader), 30_000);
    const standby = await startKringProcess('bin/projector.js', env);
    running.push(standby);
    expect(Object.values((await health(standby)).projections).some((projection) => projection.leading)).toBe(false);
    const apis = await Promise.all([0, 1].map(() => startKringProcess('bin/start.js', { ...env, KRING_PROJECTIONS: 'off' })));
    running.push(...apis);
    const clients = apis.map((api) => graphqlClient(api.url));
    const token = await signToken('coach-1', ['PROJECT_LEADER']);

    // A subscription on one replica hears of a change written through the other: the projector committed it, not this process.
    const watched = await clients[0].mutate('startNetwork', { commandId: randomUUID(), ...networkCharter('PEER_NETWORK') }, token);
    const pushes: GraphqlResponse[] = [];
    const subscription = subscribeToNetwork(apis[1].url, token, watched.id, 'id size', { next: (push) => pushes.push(push) });
    try {
      await changeUntil(
        () => pushes.length > 0,
        async () => {
          const person = await clients[0].mutate('registerParticipant', { commandId: randomUUID(), ...newParticipant('Gevolgd') }, token);
          const input = {
            commandId: randomUUID(),
            networkId: watched.id,
            participantId: person.id,
            role: 'PARTICIPANT',
            joinedOn: '2024-01-02',
          };
          await clients[0].mutate('joinNetwork', input, token);
        },
      );
      expect(pushes[0]).toEqual({ data: { networkChanged: { id: watched.id, size: expect.any(Number) } } });
    } finally {
      await subscription.dispose();
    }

    // Writers on both replicas: each round registers a person, starts a network and lets the person join it.
    const acknowledged: Acknowledged[] = [];
    let writing = true;
    const writer = async (api: number) => {
      const client = clients[api];
      for (let round = 0; writing; round++) {
        const participant = await client.mutate(
          'registerParticipant',
          { commandId: randomUUID(), ...newParticipant(`Lid ${api}-${round}`) },
          token,
        );
        const network = await client.mutate('startNetwork', { commandId: randomUUID(), ...networkCharter('PEER_NETWORK') }, token);
        const joined = await client.mutate(
          'joinNetwork',
          { commandId: randomUUID(), networkId: network.id, participantId: participant.id, role: 'PARTICIPANT', joinedOn: '2024-01-02' },
          token,
        );
        acknowledged.push({ networkId: network.id, participantId: participant.id, position: joined.position, api });
      }
    };
    const writers = [writer(0), writer(1)];

    await eventually(
      'some commands were acknowledged on both replicas',
      () => acknowledged.filter((ack) => ack.api === 1).length >= 10,
      60_000,
    );
    // Mid-stream: the leader is applying batches while the replicas keep writing.
    leader.child.kill('SIGKILL');
    const killedAt = Date.now();
    await eventually('the standby leads every projection', () => leadsAll(standby), 30_000);
    const takeoverMs = Date.now() - killedAt;
    const acknowledgedAtTakeover = acknowledged.length;
    await eventually(
      'more commands were acknowledged after the takeover',
      () => acknowledged.length >= acknowledgedAtTakeover + 20,
      60_000,
    );
    writing = false;
    await Promise.all(writers);
    console.info(
      `[scale-out] standby took over ${takeoverMs} ms after SIGKILL (retry ${LEADER_RETRY_MS} ms); ${acknowledged.length} joins acknowledged`,
    );
    expect(takeoverMs).toBeLessThanOrEqual(TAKEOVER_LIMIT_MS);

    // Read-your-writes across processes: each join, read on the replica that did not write it, as of its position.
    for (const ack of acknowledged) {
      const other = clients[1 - ack.api];
      const answer = await other.graphql<{ network: { members: Array<{ participantId: string }> } }>(
        'query($id: ID!, $after: Position) { network(id: $id, after: $after) { members { participantId } } }',
        { id: ack.networkId, after: ack.position },
        token,
      );
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.network.members.map((member) => member.participantId)).toEqual([ack.participantId]);
    }

    // Stop everything, then compare what the projectors built with a rebuild of every read model from the log.
    await Promise.all(running.map((process) => process.stop()));
    const { store, sql } = await openEventStoreWithSql(fresh.config);
    const engine = new ProjectionEngine(store, sql, PROJECTIONS);
    try {
      await engine.start();
      await engine.waitFor(engine.projections, await store.headPosition(), 30_000);
      const projected = await dumpReadModels(engine, sql);
      for (const projection of PROJECTIONS) await engine.rebuild(projection.name);
      expect(await dumpReadModels(engine, sql)).toEqual(projected);
      expect(projected['networks.networks']).toHaveLength(acknowledged.length + 1);
    } finally {
      await engine.stop();
      await store.close();
    }
  }, 300_000);
});
