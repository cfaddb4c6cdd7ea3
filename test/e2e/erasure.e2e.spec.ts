import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ReadModels } from '../../apps/api/src/read-models/read-models';
import { RunningApi, startApi } from '../support/api';
import { networkCharter } from '../support/fixtures';
import { changeUntil, subscribeToNetwork } from '../support/subscriptions';
import { describeOn, pgliteTarget, postgresTarget, StoreTarget } from '../support/targets';

/** Every text of the story, each with a marker that cannot turn up anywhere by chance. */
const unique = (text: string) => `${text} ${randomBytes(5).toString('hex')}`;
const TEXT = {
  anna: unique('Annabel Quispelaar'),
  bert: unique('Bertus Vlijmscherp'),
  cor: unique('Cornelia Zwaantjes'),
  facilitator: unique('Coach Dirkje Maasland'),
  offer: unique('taalles bij Cornelia thuis'),
  notes: unique('rolafbakening besproken'),
  activity: unique('koffie bij Annabel'),
  outcome: unique('Bertus was ziek'),
  contactKind: unique('samen naar de Zeeman'),
  helpTalent: unique('fiets repareren'),
  scaleReason: unique('netwerk draagt Annabel'),
  talent: unique('breien voor de buurt'),
  want: unique('zelfstandig wonen'),
  can: unique('goed koken'),
  need: unique('hulp met de post'),
  question: unique('wie helpt met formulieren'),
  topic: unique('gokschulden'),
  referralReason: unique('eenzaam in de avond'),
  leaveReason: unique('verhuisd naar Kampen'),
  task: unique('post doornemen met Annabel'),
  closeReason: unique('steunkring afgerond'),
  forgetReason: unique('AVG verzoek van Annabel'),
};

const NETWORK_FIGURES = 'size meetingsHeld outsideContacts neighboursInvolved absencesAwaitingFollowUp';

function erasureOnStore(target: StoreTarget): void {
  describeOn(target, 'Erasure by crypto-shredding', () => {
    let api: RunningApi;
    let leader: string;
    let coach: string;
    let auditor: string;
    let last = '0';
    const ids = {} as Record<'network' | 'circle' | 'anna' | 'bert' | 'cor', string>;
    let figuresBefore: unknown;

    const run = async (mutation: string, input: Record<string, unknown>, token = coach) => {
      const result = await api.mutate(mutation, input, token);
      last = result.position;
      return result.id;
    };
    const query = async <T>(text: string, variables: Record<string, unknown> = {}, token = coach): Promise<T> => {
      const response = await api.graphql<T>(text, { after: last, ...variables }, token);
      if (response.errors) throw new Error(JSON.stringify(response.errors));
      return response.data!;
    };
    const names = async () =>
      (
        await query<{ network: { members: Array<{ participantId: string; displayName: string }> } }>(
          'query($id: ID!, $after: Position) { network(id: $id, after: $after) { members(includeFormer: true) { participantId displayName } } }',
          { id: ids.network },
        )
      ).network.members;
    /** Every figure the story touched, by the project leader: none of them may change when someone is forgotten. */
    const figures = () =>
      query(
        `query($id: ID!, $circle: ID!, $after: Position) {
          network(id: $id, after: $after) { ${NETWORK_FIGURES} }
          circle: network(id: $circle, after: $after) { ${NETWORK_FIGURES} }
          networkGrowth(networkId: $id, interval: MONTH, to: "2024-03-31", after: $after) { size joined left meetings attendanceRate outsideContacts }
          scaleDownSummary(after: $after) { participantsWithSupport scaledDown scaledUp contactsPerYearSaved }
          referralSummary(after: $after) { programme open matched medianDaysToMatch } }`,
        { id: ids.network, circle: ids.circle },
        leader,
      );

    beforeAll(async () => {
      api = await startApi(target, 'erasure');
      leader = await api.token('leader-1', ['PROJECT_LEADER']);
      coach = await api.token('coach-a', ['FACILITATOR']);
      auditor = await api.token('auditor-1', ['AUDITOR']);
    });
    afterAll(() => api?.close());

    it('tells a story with every kind of personal text, which staff read back in full', async () => {
      ids.network = await run('startNetwork', networkCharter('PEER_NETWORK'), leader);
      await run('assignFacilitator', { networkId: ids.network, staffId: 'coach-a', name: TEXT.facilitator }, leader);
      for (const who of ['anna', 'bert', 'cor'] as const)
        ids[who] = await run('registerParticipant', { displayName: TEXT[who], municipality: 'Baarn', consentToEvaluation: true });
      for (const who of ['anna', 'bert'] as const)
        await run('joinNetwork', { networkId: ids.network, participantId: ids[who], role: 'PARTICIPANT', joinedOn: '2024-01-02' });
      await run('involveNeighbour', { networkId: ids.network, participantId: ids.cor, offer: TEXT.offer, involvedOn: '2024-01-03' });
      await run('guideNeighbour', { networkId: ids.network, participantId: ids.cor, notes: TEXT.notes, guidedOn: '2024-01-04' });
      const meeting = await run('recordMeeting', {
        networkId: ids.network,
        heldOn: '2024-01-08',
        activity: TEXT.activity,
        attended: [ids.anna, ids.cor],
        absent: [ids.bert],
      });
      await run('followUpAbsence', { networkId: ids.network, meetingId: meeting, participantId: ids.bert, outcome: TEXT.outcome });
      await run('reportOutsideContact', {
        networkId: ids.network,
        between: [ids.anna, ids.bert],
        kind: TEXT.contactKind,
        on: '2024-01-10',
      });
      await run('recordHelpExchange', {
        networkId: ids.network,
        helperId: ids.bert,
        helpedId: ids.anna,
        talent: TEXT.helpTalent,
        on: '2024-01-11',
      });
      await run('setIndividualSupport', { participantId: ids.anna, everyWeeks: 1, on: '2024-01-01' });
      await run('scaleDownSupport', { participantId: ids.anna, toEveryWeeks: 3, reason: TEXT.scaleReason, on: '2024-02-01' });
      await run('recordTalent', { participantId: ids.anna, talent: TEXT.talent, on: '2024-01-12' });
      await run('answerCoreQuestions', { participantId: ids.anna, want: TEXT.want, can: TEXT.can, need: TEXT.need, on: '2024-01-12' });
      await run('registerHelpQuestion', { participantId: ids.anna, question: TEXT.question, on: '2024-01-12' });
      await run('shareInformation', { participantId: ids.anna, topic: TEXT.topic, sharedWith: [ids.bert], on: '2024-01-15' });
      const referral = await run('referToBuddyProgramme', {
        participantId: ids.anna,
        programme: 'Humanitas',
        reason: TEXT.referralReason,
        on: '2024-01-16',
      });
      await run('closeReferral', { referralId: referral, status: 'MATCHED', on: '2024-02-16' });
      ids.circle = await run('startNetwork', networkCharter('SUPPORT_CIRCLE', { focalParticipantId: ids.anna }), leader);
      await run('assignFacilitator', { networkId: ids.circle, staffId: 'coach-a', name: TEXT.facilitator }, leader);
      await run('joinNetwork', { networkId: ids.circle, participantId: ids.bert, role: 'CIRCLE_MEMBER', joinedOn: '2024-01-05' });
      await run('agreePlan', { networkId: ids.circle, agreedOn: '2024-01-20', agreements: [{ assigneeId: ids.bert, task: TEXT.task }] });
      await run('leaveNetwork', { networkId: ids.circle, participantId: ids.bert, reason: TEXT.leaveReason, leftOn: '2024-03-01' });
      await run('closeNetwork', { networkId: ids.circle, reason: TEXT.closeReason, closedOn: '2024-03-31' });

      expect(Object.fromEntries((await names()).map((m) => [m.participantId, m.displayName]))).toEqual({
        [ids.anna]: TEXT.anna,
        [ids.bert]: TEXT.bert,
        [ids.cor]: TEXT.cor,
      });
      const { careTimeline } = await query<{ careTimeline: { changes: Array<{ reason: string | null }> } }>(
        'query($id: ID!, $after: Position) { careTimeline(participantId: $id, after: $after) { changes { reason } } }',
        { id: ids.anna },
      );
      expect(careTimeline.changes.map((c) => c.reason)).toEqual([null, TEXT.scaleReason]);
      const { network } = await query<{ network: { plan: { agreements: Array<{ task: string }> } } }>(
        'query($id: ID!, $after: Position) { network(id: $id, after: $after) { plan { agreements { task } } } }',
        { id: ids.circle },
      );
      expect(network.plan.agreements).toEqual([{ task: TEXT.task }]);
      const knew = await query<{ whoKnew: Array<{ personId: string }> }>(
        `query($id: ID!, $topic: String!, $after: Position) { whoKnew(participantId: $id, topic: $topic, after: $after) { personId } }`,
        { id: ids.anna, topic: TEXT.topic },
        auditor,
      );
      expect(knew.whoKnew.map((k) => k.personId)).toEqual([ids.bert, 'auditor-1']);
      figuresBefore = await figures();
    });

    it('after forgetting: "[vergeten]" in every query, push, rebuild and replay; the topic found no more; every figure unchanged', async () => {
      await run('forgetParticipant', { participantId: ids.anna, reason: TEXT.forgetReason }, leader);
      const forgotten = async () => (await names()).find((m) => m.participantId === ids.anna)!.displayName;
      expect(await forgotten()).toBe('[vergeten]');
      expect((await names()).find((m) => m.participantId === ids.bert)!.displayName).toBe(TEXT.bert);
      const timeline = () =>
        query<{ careTimeline: { changes: Array<{ reason: string | null; toEveryWeeks: number }> } }>(
          'query($id: ID!, $after: Position) { careTimeline(participantId: $id, after: $after) { changes { reason toEveryWeeks } } }',
          { id: ids.anna },
          leader,
        );
      expect((await timeline()).careTimeline.changes).toEqual([
        { reason: null, toEveryWeeks: 1 },
        { reason: '[vergeten]', toEveryWeeks: 3 },
      ]);
      const plan = await query<{ network: { plan: { agreements: Array<{ task: string }> } } }>(
        'query($id: ID!, $after: Position) { network(id: $id, after: $after) { plan { agreements { task } } } }',
        { id: ids.circle },
        leader,
      );
      expect(plan.network.plan.agreements).toEqual([{ task: '[vergeten]' }]);
      const knew = await query<{ whoKnew: unknown[] }>(
        'query($id: ID!, $topic: String!, $after: Position) { whoKnew(participantId: $id, topic: $topic, after: $after) { personId } }',
        { id: ids.anna, topic: TEXT.topic },
        auditor,
      );
      expect(knew.whoKnew).toEqual([]);
      expect(await figures()).toEqual(figuresBefore);

      // A push shows the same.
      let pushed: Array<{ displayName: string | null }> | undefined;
      const client = subscribeToNetwork(api.url, leader, ids.network, 'members { displayName }', {
        next: ({ data }) =>
          (pushed ??= (data as { networkChanged: { members: Array<{ displayName: string | null }> } }).networkChanged.members),
      });
      try {
        const contact = () =>
          run('reportOutsideContact', { networkId: ids.network, between: [ids.bert, ids.cor], kind: 'x', on: '2024-03-02' }, leader);
        await changeUntil(() => pushed !== undefined, contact);
        expect(pushed!.map((m) => m.displayName).sort()).toEqual(['[vergeten]', TEXT.bert, TEXT.cor].sort());
      } finally {
        await client.dispose();
      }

      // Rebuilt from the log, and replayed as of now: the same, since the log holds only what the key no longer opens.
      const readModels = api.app.get(ReadModels);
      for (const projection of ['networks', 'care', 'knowledge']) await readModels.engine.rebuild(projection);
      expect(await forgotten()).toBe('[vergeten]');
      expect((await timeline()).careTimeline.changes[1].reason).toBe('[vergeten]');
      const growth = (asOf?: string) =>
        query<{ networkGrowth: unknown[] }>(
          'query($id: ID!, $asOf: DateTime, $after: Position) { networkGrowth(networkId: $id, interval: MONTH, to: "2024-03-31", asOf: $asOf, after: $after) { size joined left meetings attendanceRate outsideContacts } }',
          { id: ids.network, asOf },
          leader,
        );
      const live = await growth();
      expect(live.networkGrowth).toHaveLength(3);
      expect(await growth(new Date(Date.now() + 60_000).toISOString())).toEqual(live);
    });

    it('holds no name, topic or other personal text in plain text in any byte of its storage, the forgotten person least of all', async () => {
      // A canary written past the API, in plain text: proves the search below reads what the store wrote.
      const canary = `canary-${randomBytes(6).toString('hex')}`;
      await api.store.appendToStream('canary', [{ type: 'CanaryWritten', data: { canary } }]);
      await api.stop();
      const haystack =
        target.adapter === 'pglite'
          ? await everyFileUnder(api.fresh.env.KRING_DATA_DIR)
          : [
              {
                name: 'pg_dump',
                bytes: (
                  await promisify(execFile)('pg_dump', [api.fresh.env.KRING_DATABASE_URL], { maxBuffer: 1 << 30, encoding: 'buffer' })
                ).stdout,
              },
            ];
      expect(haystack.length).toBeGreaterThan(0);
      const found = (needle: string) =>
        haystack.filter(({ bytes }) => bytes.toString('latin1').toLowerCase().includes(needle.toLowerCase())).map(({ name }) => name);
      expect(found(canary).length).toBeGreaterThan(0);
      const hits = Object.entries(TEXT).flatMap(([what, text]) => {
        // The whole text, and its marker alone (a fragment would be found too).
        const marker = text.split(' ').at(-1)!;
        return [...found(text), ...found(marker)].map((file) => `${what} in ${file}`);
      });
      expect(hits).toEqual([]);
    });
  });
}

/** Every file under a directory (the embedded store: tables, indexes, WAL, everything), with its bytes. */
async function everyFileUnder(dir: string): Promise<Array<{ name: string; bytes: Buffer }>> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const files = entries.filter((entry) => entry.isFile());
  return Promise.all(
    files.map(async (entry) => ({ name: join(entry.parentPath, entry.name), bytes: await readFile(join(entry.parentPath, entry.name)) })),
  );
}

erasureOnStore(pgliteTarget);
erasureOnStore(postgresTarget);
