import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RecordedEvent } from '@kring/event-store';
import { demoOptions, runDemo } from '../../apps/cli/src/demo-command';
import { exportedEvents, exportForEvaluation } from '../../apps/cli/src/export-command';
import { impactOptions, impactText, logOf } from '../../apps/cli/src/impact-command';
import { UsageError } from '../../apps/cli/src/usage-error';
import { IMPACT_COLUMNS } from '@kring/domain';
import type { DemoOptions } from '../../apps/api/src/demo/demo-history';
import { countDemoMutations, loadDemo } from '../../apps/api/src/demo/demo-loader';
import { loadDemoOnFirstStart } from '../../apps/api/src/demo/demo-on-start';
import { Clock } from '../../apps/api/src/clock/clock.module';
import type { SqlDriver } from '@kring/event-store';
import { activeGeneration } from '@kring/projections';
import { SQL_DRIVER } from '../../apps/api/src/event-store/event-store.module';
import { PROJECTIONS } from '@kring/domain';
import { type ReadModelDocuments, replayInMemory } from '../../apps/api/src/read-models/replay-in-memory';
import { eventually } from '../support/eventually';
import { RunningApi, startApi } from '../support/api';
import { collect } from '../support/collect';
import { TEST_AUTH_SECRET, TEST_MASTER_KEY } from '../support/graphql-client';
import { describeOn, pgliteTarget, postgresTarget, StoreTarget } from '../support/targets';

const OPTIONS: DemoOptions = { networks: 4, years: 0.5, seed: 3, until: '2025-06-30' };
const NETWORKS = `query($after: Position) { networks(after: $after) { id name method municipality size meetingsHeld neighboursInvolved outsideContacts
  members(includeFormer: true) { participantId displayName role joinedOn leftOn invitedBy meetingsAttended } } }`;

/** What two runs of one history must share: every event but the sealed personal text (sealed anew each time, with a fresh nonce). */
const withoutSealedText = (event: RecordedEvent) => {
  const { personal: _sealed, ...data } = event.data as Record<string, unknown>;
  return { type: event.type, streamId: event.streamId, revision: event.streamRevision, data };
};

function demoOnStore(target: StoreTarget): void {
  describeOn(target, 'The demo history', () => {
    const apis: RunningApi[] = [];
    const start = async (label: string) => {
      const api = await startApi(target, label);
      apis.push(api);
      return api;
    };
    const networksSeenBy = async (api: RunningApi) => {
      // As a front end reads its own writes: once the read models have every event of the store.
      const after = (await api.store.headPosition()).toString();
      const answer = await api.graphql<{ networks: unknown[] }>(NETWORKS, { after }, await api.token('leader-1', ['PROJECT_LEADER']));
      if (answer.errors) throw new Error(JSON.stringify(answer.errors));
      return answer.data!.networks;
    };
    afterAll(() => Promise.all(apis.map((api) => api.close())));

    it('is written through the API for all four methods, the same options write it again, and its figures are the same from either store, the impact query and an export', async () => {
      const [first, second] = [await start('demo-a'), await start('demo-b')];
      const sent = await loadDemo(first.app as NestFastifyApplication, OPTIONS);
      expect(sent).toBe(await countDemoMutations(OPTIONS));
      expect(await loadDemo(second.app as NestFastifyApplication, OPTIONS)).toBe(sent);
      const [a, b] = [await collect(first.store.readAll()), await collect(second.store.readAll())];
      expect(b.map(withoutSealedText)).toEqual(a.map(withoutSealedText));
      // Every event came through a request, as a coach or the project leader.
      expect(new Set(a.map((event) => event.metadata.actorId))).toEqual(
        new Set(['demo-projectleider', 'demo-coach-1', 'demo-coach-2', 'demo-coach-3', 'demo-coach-4']),
      );
      const types = new Set(a.map((event) => event.type));
      for (const type of [
        'NetworkStarted',
        'FacilitatorAssigned',
        'ParticipantJoined',
        'ParticipantLeft',
        'NeighbourInvolved',
        'NeighbourGuided',
        'MeetingHeld',
        'AbsenceFollowedUp',
        'ContactOutsideMeetingsReported',
        'HelpExchanged',
        'CoreQuestionsAnswered',
        'PlanAgreed',
        'AgreementCompleted',
        'HelpQuestionRegistered',
        'HelpQuestionBundled',
        'ReferredToBuddyProgramme',
        'IndividualSupportSet',
        'SupportScaledDown',
        'OutcomeMeasured',
        'ReferralClosed',
      ])
        expect({ type, written: types.has(type) }).toEqual({ type, written: true });
      // Samenkracht: the atelier's circle grows by invitation.
      expect(a.some((event) => event.type === 'ParticipantJoined' && typeof event.data.invitedBy === 'string')).toBe(true);
      // Read back, names and all, the two stores answer alike.
      const networks = await networksSeenBy(first);
      expect(networks.map((network) => (network as { method: string }).method).sort()).toEqual([
        'ATELIER',
        'PEER_NETWORK',
        'QUESTION_GROUP',
        'SUPPORT_CIRCLE',
      ]);
      expect(await networksSeenBy(second)).toEqual(networks);
      expect(await countDemoMutations({ ...OPTIONS, seed: 12 })).not.toBe(sent);

      // Two evaluators replaying the same history get the same bytes, and the API's impact query the same figures.
      for (const format of ['json', 'csv'] as const) {
        const question = impactOptions({ from: '2025-01-01', to: '2025-06-30', by: 'method', format });
        expect(await impactText(await logOf(second.store), question)).toBe(await impactText(await logOf(first.store), question));
      }
      const report = JSON.parse(
        await impactText(await logOf(first.store), impactOptions({ from: '2025-01-01', to: '2025-06-30', by: 'method' })),
      );
      expect(report.groups.map((group: { group: string }) => group.group)).toEqual([
        'ATELIER',
        'PEER_NETWORK',
        'QUESTION_GROUP',
        'SUPPORT_CIRCLE',
      ]);
      expect(report.total.meetings).toBeGreaterThan(0);
      // As the system knew it before anything was recorded: nothing.
      const before = JSON.parse(
        await impactText(
          await logOf(first.store),
          impactOptions({ from: '2025-01-01', to: '2025-06-30', 'as-of': '2000-01-01T00:00:00Z' }),
        ),
      );
      expect([before.total.networks, before.total.meetings, before.total.peopleWithSupport]).toEqual([0, 0, 0]);
      // An evaluation export gives the same figures, and holds nothing personal: no name, no id of the store, no staff, no free text.
      const dir = await mkdtemp(join(tmpdir(), 'kring-export-'));
      try {
        // Read first: reading names writes access-log entries, which would move the head between the two exports below.
        const members = (await networksSeenBy(first)) as Array<{ members: Array<{ displayName: string }> }>;
        const file = join(dir, 'export.jsonl');
        await exportForEvaluation(first.store, file);
        for (const by of [undefined, 'method', 'municipality', 'funding', 'cohort']) {
          const question = impactOptions({ from: '2025-01-01', to: '2025-06-30', by });
          expect(await impactText({ events: exportedEvents(file) }, question)).toBe(await impactText(await logOf(first.store), question));
        }
        const exported = await readFile(file, 'utf8');
        const secrets = [
          ...members.flatMap((network) => network.members.map((member) => member.displayName)),
          ...a.flatMap((event) => (typeof event.data.participantId === 'string' ? [event.data.participantId] : [])),
          'demo-coach',
          'demo-projectleider',
          'koffie',
          'verhuisd',
          'Samen Sterk',
          'eenzaamheid',
        ];
        expect(secrets.length).toBeGreaterThan(40);
        expect(secrets.filter((secret) => exported.includes(secret))).toEqual([]);
        await exportForEvaluation(first.store, join(dir, 'again.jsonl'));
        expect(await readFile(join(dir, 'again.jsonl'), 'utf8')).toBe(exported);
        await writeFile(join(dir, 'other.jsonl'), '{"hello":"world"}\n');
        await expect(
          impactText({ events: exportedEvents(join(dir, 'other.jsonl')) }, impactOptions({ from: '2025-01-01', to: '2025-06-30' })),
        ).rejects.toThrow('is not a Kring evaluation export');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }

      const evaluator = await first.token('evaluator-1', ['EVALUATOR']);
      const served = await first.graphql<{ impact: unknown }>(
        `{ impact(from: "2025-01-01", to: "2025-06-30", by: method) { from to by groups { ${IMPACT_COLUMNS.join(' ')} } total { ${IMPACT_COLUMNS.join(' ')} } } }`,
        {},
        evaluator,
      );
      expect(served).toEqual({ data: { impact: report } });
    });

    it('replayed in memory (kring replay) equals every live read model, as of before it was recorded holds nothing, and on a business date holds what had happened by then', async () => {
      const api = await start('demo-replay');
      await loadDemo(api.app as NestFastifyApplication, OPTIONS);
      const head = await api.store.headPosition();
      const sql = api.app.get<SqlDriver>(SQL_DRIVER);
      await eventually('every projection has reached the head', async () => {
        const rows = await sql.query<{ checkpoint: string }>(`SELECT checkpoint::text FROM kring_projections WHERE state = 'active'`);
        return rows.length === PROJECTIONS.length && rows.every((row) => BigInt(row.checkpoint) >= head);
      });
      const live: ReadModelDocuments = {};
      for (const projection of PROJECTIONS) {
        const { schema } = (await activeGeneration(sql, projection.name))!;
        live[projection.name] = {};
        for (const collection of projection.collections) {
          const rows = await sql.query<{ key: string; doc: unknown }>(`SELECT key, doc FROM ${schema}.${collection.name}`);
          live[projection.name][collection.name] = rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
        }
      }
      const replay = await replayInMemory(api.store.readAll());
      expect(replay.position).toBe(head.toString());
      expect(replay.readModels.networks.meetings.length).toBeGreaterThan(10);
      expect(replay.readModels).toEqual(live);
      const before = await replayInMemory(api.store.readAll(), { asOf: new Date('2000-01-01T00:00:00Z') });
      expect(Object.values(before.readModels).flatMap((collections) => Object.values(collections).flat())).toEqual([]);

      // As things stood on a business date: only what had happened by then, whenever it was recorded.
      expect((await replayInMemory(api.store.readAll(), { on: OPTIONS.until })).readModels).toEqual(live);
      const onDay = '2025-03-31';
      const then = (await replayInMemory(api.store.readAll(), { on: onDay })).readModels.networks;
      const meetings = (docs: Array<{ doc: unknown }>) => docs.map(({ doc }) => doc as { heldOn: string });
      expect(meetings(then.meetings)).toEqual(meetings(live.networks.meetings).filter((meeting) => meeting.heldOn <= onDay));
      expect(then.meetings.length).toBeGreaterThan(0);
      expect(then.meetings.length).toBeLessThan(live.networks.meetings.length);
      const members = (docs: Array<{ doc: unknown }>) => docs.map(({ doc }) => doc as { joinedOn: string; leftOn: string | null });
      expect(members(then.members).every((member) => member.joinedOn <= onDay && (member.leftOn === null || member.leftOn <= onDay))).toBe(
        true,
      );
      expect(members(then.members).length).toBeLessThan(members(live.networks.members).length);
    });

    it('is written on a first start unless KRING_DEMO=off, in production only with KRING_DEMO=on, never into a store that holds events', async () => {
      const api = await start('demo-start');
      const app = api.app as NestFastifyApplication;
      expect(await loadDemoOnFirstStart(app, { KRING_DEMO: 'off' })).toBeUndefined();
      expect(await loadDemoOnFirstStart(app, { NODE_ENV: 'production' })).toBeUndefined();
      await expect(loadDemoOnFirstStart(app, { KRING_DEMO: 'yes' })).rejects.toThrow('KRING_DEMO must be "on" or "off", not "yes"');
      expect(await api.store.headPosition()).toBe(0n);
      const load = await loadDemoOnFirstStart(app, {});
      expect(await load!.written).toBe(await countDemoMutations({ networks: 4, years: 1, seed: 1, until: api.app.get(Clock).today() }));
      expect((await networksSeenBy(api)).length).toBe(4);
      expect(await loadDemoOnFirstStart(app, { KRING_DEMO: 'on' })).toBeUndefined();
    });
  });
}

demoOnStore(pgliteTarget);
demoOnStore(postgresTarget);

describe('kring impact (the command line)', () => {
  it('takes a period, a grouping, a format and an instant, and says what is wrong with a bad one', () => {
    expect(impactOptions({ from: '2025-01-01', to: '2025-12-31' })).toEqual({
      from: '2025-01-01',
      to: '2025-12-31',
      by: null,
      format: 'json',
      asOf: undefined,
    });
    expect(impactOptions({ from: '2025-01-01', to: '2025-12-31', by: 'funding', format: 'csv', 'as-of': '2026-01-01T00:00:00Z' })).toEqual({
      from: '2025-01-01',
      to: '2025-12-31',
      by: 'funding',
      format: 'csv',
      asOf: new Date('2026-01-01T00:00:00Z'),
    });
    // Without a period, the log's own (worked out once it is read).
    expect(impactOptions({ to: '2025-12-31', format: 'html' })).toEqual({
      from: undefined,
      to: '2025-12-31',
      by: null,
      format: 'html',
      asOf: undefined,
    });
    expect(() => impactOptions({ from: '2025-02-30', to: '2025-12-31' })).toThrow(
      new UsageError('--from: Date must be a calendar date written YYYY-MM-DD between 1900 and 2100, got "2025-02-30"'),
    );
    expect(() => impactOptions({ from: '2025-12-31', to: '2025-01-01' })).toThrow(
      new UsageError('--from (2025-12-31) is after --to (2025-01-01)'),
    );
    expect(() => impactOptions({ from: '2025-01-01', to: '2025-12-31', by: 'gemeente' })).toThrow(
      new UsageError('--by is one of municipality, method, funding, cohort; got "gemeente"'),
    );
    expect(() => impactOptions({ from: '2025-01-01', to: '2025-12-31', format: 'pdf' })).toThrow(
      new UsageError('--format is one of json, csv, html; got "pdf"'),
    );
    expect(() => impactOptions({ from: '2025-01-01', to: '2025-12-31', 'as-of': 'gisteren' })).toThrow(UsageError);
  });

  it('without a period on an empty log says there is nothing to report on', async () => {
    const nothing = (async function* () {})();
    await expect(impactText({ events: nothing }, impactOptions({}))).rejects.toThrow(
      'the log holds no dated events yet, so there is no period to report on',
    );
  });
});

describe('kring demo (the command line)', () => {
  it('takes its options with sensible defaults and says what is wrong with a bad one', () => {
    expect(demoOptions({}, '2026-11-23')).toEqual({ networks: 8, years: 1, seed: 1, until: '2026-11-23' });
    expect(demoOptions({ networks: '12', years: '2.5', seed: '7', until: '2024-12-31' }, '2026-11-23')).toEqual({
      networks: 12,
      years: 2.5,
      seed: 7,
      until: '2024-12-31',
    });
    expect(() => demoOptions({ networks: '0' }, '2026-11-23')).toThrow(
      new UsageError('--networks is a whole number from 1 to 10000; got "0"'),
    );
    expect(() => demoOptions({ years: 'veel' }, '2026-11-23')).toThrow(new UsageError('--years is from 0.25 to 10; got "veel"'));
    expect(() => demoOptions({ until: '2026-13-01' }, '2026-11-23')).toThrow(UsageError);
  });

  it('writes into an empty store only', async () => {
    const fresh = await pgliteTarget.fresh('demo-cli');
    const said: string[] = [];
    const saved = { ...process.env };
    try {
      Object.assign(process.env, {
        KRING_DATA_DIR: fresh.env.KRING_DATA_DIR,
        KRING_DATABASE_URL: '',
        KRING_AUTH_SECRET: TEST_AUTH_SECRET,
        KRING_MASTER_KEY: TEST_MASTER_KEY,
      });
      await runDemo({ ...OPTIONS, networks: 1 }, (text) => said.push(text));
      expect(said).toEqual([
        expect.stringMatching(
          /^Demo written: 1 networks over 0.5 year\(s\) up to 2025-06-30 \(seed 3\), \d+ mutations in [\d.]+ s, log head \d+\.$/,
        ),
      ]);
      await expect(runDemo(OPTIONS, () => undefined)).rejects.toThrow(/already holds \d+ events; the demo goes into an empty one/);
    } finally {
      process.env = saved;
      await fresh.dispose();
    }
  });
});
