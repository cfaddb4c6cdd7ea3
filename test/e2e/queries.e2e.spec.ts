import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { NetworkChanges } from '../../apps/api/src/network/network-changes';
import { ReadModels } from '../../apps/api/src/read-models/read-models';
import { RunningApi, startApi } from '../support/api';
import { clockPasses, eventually } from '../support/eventually';
import { networkCharter, newParticipant } from '../support/fixtures';
import { describeOn, pgliteTarget, postgresTarget, StoreTarget } from '../support/targets';

/** An instant strictly between the appends before and after it (the store records milliseconds, from this machine's clock). */
async function instantBetweenAppends(): Promise<string> {
  const instant = new Date(Date.now() + 1);
  await clockPasses(instant);
  return instant.toISOString();
}

const READ_WAIT_MS = 2000;

const NETWORK_FIELDS = `id name method municipality purpose funding cadenceWeeks startedOn closedOn facilitators size meetingsHeld
  neighboursInvolved outsideContacts absencesAwaitingFollowUp
  members { participantId displayName role joinedOn leftOn invitedBy meetingsAttended meetingsMissedInARow }`;

function queriesOverHttp(target: StoreTarget): void {
  describeOn(target, 'Read models over HTTP', () => {
    let api: RunningApi;
    let coach: string;
    let last = '0';

    const run = async (mutation: string, input: Record<string, unknown>) => {
      const result = await api.mutate(mutation, input, coach);
      last = result.position;
      return result.id;
    };
    /** A query that must succeed, reading its own writes. */
    const query = async <T = Record<string, unknown>>(text: string, variables: Record<string, unknown> = {}): Promise<T> => {
      const response = await api.graphql<T>(text, { after: last, ...variables }, coach);
      if (response.errors) throw new Error(JSON.stringify(response.errors));
      return response.data!;
    };
    const register = (displayName: string, municipality?: string) => run('registerParticipant', newParticipant(displayName, municipality));
    const startNetwork = (method: string, extra: Record<string, unknown> = {}) => run('startNetwork', networkCharter(method, extra));

    beforeAll(async () => {
      // Long enough for any projection here to catch up; short enough that the stale read below does not wait 5 s.
      api = await startApi(target, 'queries', { KRING_READ_WAIT_MS: String(READ_WAIT_MS) });
      coach = await api.token('coach-1', ['FACILITATOR', 'PROJECT_LEADER', 'AUDITOR']);
    });
    afterAll(() => api?.close());

    it('network and networks: members, size, meetings, neighbours, outside contacts, absences awaiting follow-up', async () => {
      const networkId = await startNetwork('PEER_NETWORK', { municipality: 'Eemnes' });
      await run('assignFacilitator', { networkId, staffId: 'coach-1', name: 'Netwerkcoach' });
      const [ans, bert, cor, dirk] = [await register('Ans'), await register('Bert'), await register('Cor'), await register('Dirk')];
      await run('joinNetwork', { networkId, participantId: ans, role: 'PARTICIPANT', joinedOn: '2024-01-02' });
      await run('joinNetwork', { networkId, participantId: bert, role: 'EXPERIENCE_EXPERT', joinedOn: '2024-01-02' });
      await run('joinNetwork', { networkId, participantId: cor, role: 'PROFESSIONAL', joinedOn: '2024-01-03' });
      await run('involveNeighbour', { networkId, participantId: dirk, offer: 'taalles', involvedOn: '2024-01-10' });
      const first = await run('recordMeeting', {
        networkId,
        heldOn: '2024-01-15',
        activity: 'koffie',
        attended: [ans, dirk],
        absent: [bert],
        // The professional sent word: neither present nor an absence to follow up.
        excused: [cor],
      });
      await run('recordMeeting', {
        networkId,
        heldOn: '2024-01-22',
        activity: 'wandelen',
        attended: [ans],
        absent: [bert, dirk],
        presenceUnknown: [cor],
      });
      await run('followUpAbsence', { networkId, meetingId: first, participantId: bert, outcome: 'was ziek' });
      await run('reportOutsideContact', { networkId, between: [ans, bert], kind: 'biertje gedronken', on: '2024-01-20' });
      await run('leaveNetwork', { networkId, participantId: ans, reason: 'verhuisd', leftOn: '2024-02-01' });
      await run('forgetParticipant', { participantId: cor, reason: 'verzoek' });

      const { network } = await query<{ network: Record<string, unknown> & { members: Array<Record<string, unknown>> } }>(
        `query($id: ID!, $after: Position) { network(id: $id, after: $after) { ${NETWORK_FIELDS}
           former: members(includeFormer: true) { participantId leftOn }
           membersMissingMeetings { participantId meetingsMissedInARow } } }`,
        { id: networkId },
      );
      expect(network).toMatchObject({
        id: networkId,
        method: 'PEER_NETWORK',
        municipality: 'Eemnes',
        facilitators: ['coach-1'],
        size: 2, // Bert and Dirk; Ans left, Cor is a professional
        meetingsHeld: 2,
        neighboursInvolved: 1,
        outsideContacts: 1,
        absencesAwaitingFollowUp: 2, // Bert at the second meeting, Dirk at the second; Bert's first was followed up
        closedOn: null,
      });
      const byId = Object.fromEntries(network.members.map((m) => [m.participantId, m]));
      expect(Object.keys(byId).sort()).toEqual([bert, cor, dirk].sort());
      expect(byId[bert]).toMatchObject({ displayName: 'Bert', role: 'EXPERIENCE_EXPERT', meetingsAttended: 0, meetingsMissedInARow: 2 });
      expect(byId[dirk]).toMatchObject({ role: 'NEIGHBOUR', joinedOn: '2024-01-10', meetingsAttended: 1, meetingsMissedInARow: 1 });
      expect(byId[cor].displayName).toBe('[vergeten]');
      expect((network.former as Array<{ participantId: string; leftOn: string }>).find((m) => m.participantId === ans)?.leftOn).toBe(
        '2024-02-01',
      );
      expect(network.membersMissingMeetings).toEqual([{ participantId: bert, meetingsMissedInARow: 2 }]);

      const { networks } = await query<{ networks: Array<{ id: string }> }>(
        'query($after: Position) { networks(municipality: "Eemnes", method: PEER_NETWORK, after: $after) { id size } }',
      );
      expect(networks).toEqual([{ id: networkId, size: 2 }]);
      expect(
        (await query<{ networks: unknown[] }>('query($after: Position) { networks(municipality: "Nergens", after: $after) { id } }'))
          .networks,
      ).toEqual([]);
      // An id that names nothing: NOT_FOUND, as in every query that reads one thing by its id.
      const unknown = await api.graphql('query($after: Position) { network(id: "unknown", after: $after) { id } }', { after: last }, coach);
      expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    });

    it('networkGrowth by WEEK and MONTH, and as the log stood at an earlier instant', async () => {
      const networkId = await startNetwork('ATELIER', { startedOn: '2024-03-04' });
      const [a, b, c, d] = [await register('A'), await register('B'), await register('C'), await register('D')];
      await run('joinNetwork', { networkId, participantId: a, role: 'PARTICIPANT', joinedOn: '2024-03-04' });
      await run('recordMeeting', { networkId, heldOn: '2024-03-05', activity: 'atelier 1', attended: [a], absent: [] });
      await run('joinNetwork', { networkId, participantId: b, role: 'PARTICIPANT', invitedBy: a, joinedOn: '2024-03-11' });
      const instant = await instantBetweenAppends();
      await run('recordMeeting', { networkId, heldOn: '2024-03-12', activity: 'atelier 2', attended: [a], absent: [b] });
      await run('joinNetwork', { networkId, participantId: c, role: 'PARTICIPANT', invitedBy: a, joinedOn: '2024-03-18' });
      await run('joinNetwork', { networkId, participantId: d, role: 'PARTICIPANT', invitedBy: b, joinedOn: '2024-03-18' });
      await run('recordMeeting', { networkId, heldOn: '2024-03-19', activity: 'atelier 3', attended: [a, b, c, d], absent: [] });
      await run('reportOutsideContact', { networkId, between: [c, d], kind: 'samen gekookt', on: '2024-04-02' });

      const growth = `query($id: ID!, $interval: Interval!, $from: Date, $to: Date, $asOf: DateTime, $after: Position) {
        networkGrowth(networkId: $id, interval: $interval, from: $from, to: $to, asOf: $asOf, after: $after) {
          periodStart size joined left meetings attendanceRate outsideContacts neighboursInvolved } }`;
      const weekly = await query<{ networkGrowth: unknown[] }>(growth, { id: networkId, interval: 'WEEK', to: '2024-03-24' });
      expect(weekly.networkGrowth).toEqual([
        {
          periodStart: '2024-03-04',
          size: 1,
          joined: 1,
          left: 0,
          meetings: 1,
          attendanceRate: 1,
          outsideContacts: 0,
          neighboursInvolved: 0,
        },
        {
          periodStart: '2024-03-11',
          size: 2,
          joined: 1,
          left: 0,
          meetings: 1,
          attendanceRate: 0.5,
          outsideContacts: 0,
          neighboursInvolved: 0,
        },
        {
          periodStart: '2024-03-18',
          size: 4,
          joined: 2,
          left: 0,
          meetings: 1,
          attendanceRate: 1,
          outsideContacts: 0,
          neighboursInvolved: 0,
        },
      ]);
      const monthly = await query<{ networkGrowth: unknown[] }>(growth, {
        id: networkId,
        interval: 'MONTH',
        from: '2024-03-01',
        to: '2024-04-30',
      });
      expect(monthly.networkGrowth).toEqual([
        {
          periodStart: '2024-03-01',
          size: 4,
          joined: 4,
          left: 0,
          meetings: 3,
          attendanceRate: 6 / 7,
          outsideContacts: 0,
          neighboursInvolved: 0,
        },
        {
          periodStart: '2024-04-01',
          size: 4,
          joined: 0,
          left: 0,
          meetings: 0,
          attendanceRate: null,
          outsideContacts: 1,
          neighboursInvolved: 0,
        },
      ]);
      // As of the instant between the second join and the second meeting: two members, one meeting.
      const then = await query<{ networkGrowth: unknown[] }>(growth, {
        id: networkId,
        interval: 'MONTH',
        from: '2024-03-01',
        to: '2024-04-30',
        asOf: instant,
      });
      expect(then.networkGrowth).toEqual([
        {
          periodStart: '2024-03-01',
          size: 2,
          joined: 2,
          left: 0,
          meetings: 1,
          attendanceRate: 1,
          outsideContacts: 0,
          neighboursInvolved: 0,
        },
        {
          periodStart: '2024-04-01',
          size: 2,
          joined: 0,
          left: 0,
          meetings: 0,
          attendanceRate: null,
          outsideContacts: 0,
          neighboursInvolved: 0,
        },
      ]);

      const { network } = await query<{ network: { doubling: unknown[] } }>(
        'query($id: ID!, $after: Position) { network(id: $id, after: $after) { doubling { sequence heldOn membersAfter factor } } }',
        { id: networkId },
      );
      expect(network.doubling).toEqual([
        { sequence: 1, heldOn: '2024-03-05', membersAfter: 1, factor: null },
        { sequence: 2, heldOn: '2024-03-12', membersAfter: 2, factor: 2 },
        { sequence: 3, heldOn: '2024-03-19', membersAfter: 4, factor: 2 },
      ]);

      const refused = await api.graphql(growth, { id: networkId, interval: 'WEEK', from: '2024-05-01', to: '2024-04-01' }, coach);
      expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      const missing = await api.graphql(growth, { id: 'no-such-network', interval: 'WEEK', after: last }, coach);
      expect(missing.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    });

    it("a support circle's plan with its open agreements, and shrinking networks", async () => {
      const resident = await register('Els');
      const circle = await startNetwork('SUPPORT_CIRCLE', { focalParticipantId: resident, municipality: 'Soest' });
      const friend = await register('Fien');
      await run('joinNetwork', { networkId: circle, participantId: friend, role: 'CIRCLE_MEMBER', joinedOn: '2024-01-05' });
      const plan = await run('agreePlan', {
        networkId: circle,
        agreedOn: '2024-01-10',
        agreements: [
          { assigneeId: friend, task: 'boodschappen op dinsdag' },
          { assigneeId: resident, task: 'buurthuis bezoeken', dueOn: '2024-02-01' },
        ],
      });
      await run('completeAgreement', { networkId: circle, agreementId: `${plan}.1`, completedOn: '2024-01-20' });
      const { network } = await query<{ network: { plan: Record<string, unknown> } }>(
        'query($id: ID!, $after: Position) { network(id: $id, after: $after) { plan { planId agreedOn agreements { agreementId completedOn } openAgreements { agreementId assigneeId task dueOn } } } }',
        { id: circle },
      );
      expect(network.plan).toEqual({
        planId: plan,
        agreedOn: '2024-01-10',
        agreements: [
          { agreementId: `${plan}.1`, completedOn: '2024-01-20' },
          { agreementId: `${plan}.2`, completedOn: null },
        ],
        openAgreements: [{ agreementId: `${plan}.2`, assigneeId: resident, task: 'buurthuis bezoeken', dueOn: '2024-02-01' }],
      });

      // Asked on 15 June 2024: four members, then one leaves at the start of each of the last three months.
      api.clock.set(new Date('2024-06-15T09:00:00Z'));
      const shrinking = await startNetwork('PEER_NETWORK', { municipality: 'Krimpen' });
      const monthsAgo = (n: number) => `2024-0${6 - n}-01`;
      const people = [await register('K1'), await register('K2'), await register('K3'), await register('K4')];
      for (const participantId of people)
        await run('joinNetwork', { networkId: shrinking, participantId, role: 'PARTICIPANT', joinedOn: monthsAgo(4) });
      for (let i = 0; i < 3; i++)
        await run('leaveNetwork', { networkId: shrinking, participantId: people[i], reason: 'gestopt', leftOn: monthsAgo(2 - i) });
      const steady = await startNetwork('PEER_NETWORK', { municipality: 'Krimpen' });
      await run('joinNetwork', { networkId: steady, participantId: await register('S1'), role: 'PARTICIPANT', joinedOn: monthsAgo(4) });
      const found = await query<{ shrinkingNetworks: Array<{ id: string }> }>(
        'query($after: Position) { shrinkingNetworks(municipality: "Krimpen", after: $after) { id size } }',
      );
      expect(found.shrinkingNetworks).toEqual([{ id: shrinking, size: 1 }]);
      // A year on, it shrank no more: the last three months saw no one leave.
      api.clock.set(new Date('2025-06-15T09:00:00Z'));
      expect(
        (
          await query<{ shrinkingNetworks: unknown[] }>(
            'query($after: Position) { shrinkingNetworks(municipality: "Krimpen", after: $after) { id } }',
          )
        ).shrinkingNetworks,
      ).toEqual([]);
      api.clock.set(undefined);
    });

    it('careTimeline and scaleDownSummary, also as of an earlier instant', async () => {
      const p = await register('Gerda', 'Zwolle');
      const q = await register('Hans', 'Zwolle');
      await run('setIndividualSupport', { participantId: p, everyWeeks: 1, on: '2024-01-01' });
      await run('setIndividualSupport', { participantId: q, everyWeeks: 2, on: '2024-01-01' });
      await run('scaleDownSupport', { participantId: p, toEveryWeeks: 4, reason: 'netwerk draagt', on: '2024-03-01' });
      const instant = await instantBetweenAppends();
      await run('scaleDownSupport', { participantId: p, toEveryWeeks: 13, reason: 'gaat goed', on: '2024-06-01' });
      await run('scaleUpSupport', { participantId: q, toEveryWeeks: 1, reason: 'terugval', on: '2024-06-01' });

      const { careTimeline } = await query<{ careTimeline: Record<string, unknown> }>(
        'query($id: ID!, $after: Position) { careTimeline(participantId: $id, after: $after) { participantId currentEveryWeeks contactsPerYearBefore contactsPerYearNow changes { on fromEveryWeeks toEveryWeeks direction reason } } }',
        { id: p },
      );
      expect(careTimeline).toEqual({
        participantId: p,
        currentEveryWeeks: 13,
        contactsPerYearBefore: 52,
        contactsPerYearNow: 4,
        changes: [
          { on: '2024-01-01', fromEveryWeeks: null, toEveryWeeks: 1, direction: 'SET', reason: null },
          { on: '2024-03-01', fromEveryWeeks: 1, toEveryWeeks: 4, direction: 'DOWN', reason: 'netwerk draagt' },
          { on: '2024-06-01', fromEveryWeeks: 4, toEveryWeeks: 13, direction: 'DOWN', reason: 'gaat goed' },
        ],
      });
      const nobody = await api.graphql(
        'query($after: Position) { careTimeline(participantId: "nobody", after: $after) { participantId } }',
        { after: last },
        coach,
      );
      expect(nobody.errors?.[0].extensions?.code).toBe('NOT_FOUND');

      const summary =
        'query($asOf: DateTime, $after: Position) { scaleDownSummary(municipality: "Zwolle", asOf: $asOf, after: $after) { participantsWithSupport scaledDown scaledUp contactsPerYearSaved } }';
      expect((await query<{ scaleDownSummary: unknown }>(summary)).scaleDownSummary).toEqual({
        participantsWithSupport: 2,
        scaledDown: 1,
        scaledUp: 1,
        contactsPerYearSaved: 52 - 4 + (26 - 52),
      });
      expect((await query<{ scaleDownSummary: unknown }>(summary, { asOf: instant })).scaleDownSummary).toEqual({
        participantsWithSupport: 2,
        scaledDown: 1,
        scaledUp: 0,
        contactsPerYearSaved: 52 - 13,
      });
    });

    it('referrals and referralSummary with the median days to a match, also as of an earlier instant', async () => {
      const programme = `maatjesproject ${target.adapter}`;
      const refer = async (on: string) =>
        run('referToBuddyProgramme', { participantId: await register('R'), programme, reason: 'eenzaam', on });
      const [r1, r2, r3, r4] = [await refer('2024-01-01'), await refer('2024-01-01'), await refer('2024-01-01'), await refer('2024-02-01')];
      await run('closeReferral', { referralId: r1, status: 'MATCHED', on: '2024-01-11' });
      const instant = await instantBetweenAppends();
      await run('closeReferral', { referralId: r2, status: 'MATCHED', on: '2024-01-31' });
      await run('closeReferral', { referralId: r3, status: 'DECLINED', on: '2024-01-05' });

      // Asked on 2 March 2024: the open referral of 1 February has been open 30 days.
      api.clock.set(new Date('2024-03-02T23:30:00Z'));
      const { referrals } = await query<{ referrals: Array<Record<string, unknown>> }>(
        'query($p: String, $after: Position) { referrals(programme: $p, after: $after) { id status referredOn closedOn daysOpen } }',
        { p: programme },
      );
      expect(referrals.map((r) => r.id)).toEqual([r1, r2, r3, r4].sort((a, b) => (a === r4 ? 1 : b === r4 ? -1 : a.localeCompare(b))));
      expect(referrals.find((r) => r.id === r1)).toMatchObject({ status: 'MATCHED', closedOn: '2024-01-11', daysOpen: 10 });
      const open = referrals.find((r) => r.id === r4)!;
      expect(open.daysOpen).toBe(30);
      api.clock.set(undefined);
      const matched = await query<{ referrals: Array<{ id: string }> }>(
        'query($p: String, $after: Position) { referrals(programme: $p, status: MATCHED, after: $after) { id } }',
        { p: programme },
      );
      expect(matched.referrals.map((r) => r.id).sort()).toEqual([r1, r2].sort());

      const summary =
        'query($asOf: DateTime, $after: Position) { referralSummary(asOf: $asOf, after: $after) { programme open matched declined ended medianDaysToMatch } }';
      const mine = (rows: Array<{ programme: string }>) => rows.find((row) => row.programme === programme);
      expect(mine((await query<{ referralSummary: Array<{ programme: string }> }>(summary)).referralSummary)).toEqual({
        programme,
        open: 1,
        matched: 2,
        declined: 1,
        ended: 0,
        medianDaysToMatch: 20, // 10 and 30 days
      });
      expect(mine((await query<{ referralSummary: Array<{ programme: string }> }>(summary, { asOf: instant })).referralSummary)).toEqual({
        programme,
        open: 3,
        matched: 1,
        declined: 0,
        ended: 0,
        medianDaysToMatch: 10,
      });
    });

    it('whoKnew: who was told, since when, and until it was unshared', async () => {
      const networkId = await startNetwork('QUESTION_GROUP');
      const [ina, jan, kees] = [await register('Ina'), await register('Jan'), await register('Kees')];
      for (const participantId of [ina, jan, kees])
        await run('joinNetwork', { networkId, participantId, role: 'PARTICIPANT', joinedOn: '2024-01-02' });
      // Staff record what Ina tells whom, on her behalf; a topic is found however it is typed.
      await run('shareInformation', { participantId: ina, topic: 'Schulden ', sharedWith: [jan, kees], on: '2024-02-01' });
      const between = await instantBetweenAppends();
      await run('unshareInformation', { participantId: ina, topic: 'schulden', from: [kees], on: '2024-03-01' });
      const who =
        'query($id: ID!, $at: DateTime, $after: Position) { whoKnew(participantId: $id, topic: "schulden", at: $at, after: $after) { personId source since until } }';
      // Reading the trail is itself a read of the topic: the auditor knows from then on (READ_RECORD), once.
      const auditor = await api.token('auditor-1', ['AUDITOR']);
      const ask = async (at?: string) =>
        (await api.graphql<{ whoKnew: Array<Record<string, string | null>> }>(who, { id: ina, at, after: last }, auditor)).data!.whoKnew;
      const all = await ask();
      expect(all.map((k) => [k.personId, k.source, k.until === null])).toEqual([
        [jan, 'TOLD', true],
        [kees, 'TOLD', false],
        ['auditor-1', 'READ_RECORD', true],
      ]);
      expect(Date.parse(all[0].since!)).toBeLessThan(Date.parse(between));
      expect((await ask(between)).map((k) => k.personId)).toEqual([jan, kees]);
      const now = await ask(new Date(Date.now() + 1000).toISOString());
      expect(now.map((k) => [k.personId, k.source])).toEqual([
        [jan, 'TOLD'],
        ['auditor-1', 'READ_RECORD'],
      ]);
      expect(now[1].since).toBe(all[2].since);

      const facilitator = await api.graphql(who, { id: ina }, await api.token('coach-9', ['FACILITATOR']));
      expect(facilitator.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    });

    it("accessLog: every read and change of a person's data with who, role, what and why; the query itself is logged; auditors only", async () => {
      const networkId = await startNetwork('PEER_NETWORK');
      const lotte = await register('Lotte');
      await run('joinNetwork', { networkId, participantId: lotte, role: 'PARTICIPANT', joinedOn: '2024-01-02' });
      await run('assignFacilitator', { networkId, staffId: 'coach-7', name: 'Coach Zeven' });
      const reader = await api.token('coach-7', ['FACILITATOR']);
      const names = await api.graphql<{ network: { members: Array<{ displayName: string }> } }>(
        'query($id: ID!, $after: Position) { network(id: $id, after: $after) { members { displayName } } }',
        { id: networkId, after: last },
        reader,
        { 'X-Kring-Purpose': 'care' },
      );
      expect(names.data!.network.members.map((m) => m.displayName)).toEqual(['Lotte']);

      type Entry = Record<'id' | 'at' | 'actorId' | 'subjectId' | 'action' | 'what' | 'purpose' | 'outcome', string> & {
        actorRoles: string[];
      };
      const auditor = await api.token('auditor-1', ['AUDITOR']);
      const log = `query($s: ID!, $from: DateTime, $to: DateTime) {
        accessLog(subjectId: $s, from: $from, to: $to) { id at actorId actorRoles subjectId action what purpose outcome } }`;
      const accessLog = async (variables: Record<string, unknown>, token = auditor) =>
        api.graphql<{ accessLog: Entry[] }>(log, variables, token);
      const entries = (await accessLog({ s: lotte })).data!.accessLog;
      expect(entries.map((e) => [e.action, e.what, e.actorId, e.purpose, e.outcome])).toEqual([
        ['CREATE', 'ParticipantRegistered', 'coach-1', 'care', 'SUCCESS'],
        ['UPDATE', 'ParticipantJoined', 'coach-1', 'care', 'SUCCESS'],
        ['READ', 'Network.members.displayName', 'coach-7', 'care', 'SUCCESS'],
        ['READ', 'accessLog', 'auditor-1', 'audit', 'SUCCESS'],
      ]);
      expect(entries[2].actorRoles).toEqual(['FACILITATOR']);
      expect(entries.every((e) => e.subjectId === lotte)).toBe(true);

      // Anyone else is refused, nothing is shown, and the refusal is an entry of its own.
      const refused = await accessLog({ s: lotte }, reader);
      expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect(refused.data).toBeNull();
      const since = (await accessLog({ s: lotte, from: entries[3].at })).data!.accessLog.filter((e) => e.what === 'accessLog');
      expect(since.map((e) => [e.actorId, e.outcome])).toEqual([
        ['auditor-1', 'SUCCESS'],
        ['coach-7', 'DENIED'],
        ['auditor-1', 'SUCCESS'],
      ]);
      const before = new Date(Date.parse(entries[0].at) - 1).toISOString();
      expect((await accessLog({ s: lotte, to: before })).data!.accessLog.filter((e) => e.what !== 'accessLog')).toEqual([]);
      expect((await accessLog({ s: lotte, from: entries[1].at, to: before })).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      const blankPurpose = await api.graphql(log, { s: lotte }, auditor, { 'X-Kring-Purpose': '  ' });
      expect(blankPurpose.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('answers STALE_READ_MODEL when the projection does not reach `after` in time, and refuses an unauthenticated query', async () => {
      const started = Date.now();
      const response = await api.graphql('query($after: Position) { networks(after: $after) { id } }', { after: '999999999' }, coach);
      expect(response.errors?.[0].extensions?.code).toBe('STALE_READ_MODEL');
      expect(Date.now() - started).toBeGreaterThanOrEqual(READ_WAIT_MS);
      const anonymous = await api.graphql('{ networks { id } }');
      expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('networkChanged pushes the network over graphql-ws after each projected change', async () => {
      const networkId = await startNetwork('PEER_NETWORK');
      // Subscribe once the start itself is projected, so the first push is the join below.
      await query('query($id: ID!, $after: Position) { network(id: $id, after: $after) { id } }', { id: networkId });
      const client = createClient({
        url: api.url.replace('http', 'ws') + '/graphql',
        webSocketImpl: WebSocket,
        connectionParams: { Authorization: `Bearer ${coach}` },
        retryAttempts: 0,
      });
      const pushed: Array<{ meetingsHeld: number; size: number }> = [];
      const done = new Promise<void>((resolve, reject) => {
        const stop = client.subscribe<{ networkChanged: { meetingsHeld: number; size: number } }>(
          { query: `subscription { networkChanged(networkId: "${networkId}") { id meetingsHeld size } }` },
          {
            next: ({ data, errors }) => {
              if (errors) return reject(new Error(JSON.stringify(errors)));
              pushed.push(data!.networkChanged);
              // Events projected in one batch give one push: wait for the state after the meeting.
              if (data!.networkChanged.meetingsHeld === 1) {
                stop();
                resolve();
              }
            },
            error: reject,
            complete: resolve,
          },
        );
      });
      const changes = api.app.get(NetworkChanges);
      await eventually('the subscription listens', () => changes.subscribers(networkId) === 1);
      const member = await register('Live');
      await run('joinNetwork', { networkId, participantId: member, role: 'PARTICIPANT', joinedOn: '2024-01-02' });
      await run('recordMeeting', { networkId, heldOn: '2024-01-08', activity: 'koffie', attended: [member], absent: [] });
      await done;
      await client.dispose();
      expect(pushed.at(-1)).toEqual({ id: networkId, meetingsHeld: 1, size: 1 });
      expect(pushed.every((network) => network.size === 1)).toBe(true);
      // Once nobody listens, projected changes to the network no longer read it back for a push.
      await eventually('nobody listens', () => changes.subscribers(networkId) === 0, 5000);
    });

    it('a rebuild while queries run never answers an error or an empty result, and ends identical', async () => {
      const readModels = api.app.get(ReadModels);
      const before = await query<{ networks: unknown[] }>(`query($after: Position) { networks(after: $after) { ${NETWORK_FIELDS} } }`);
      expect(before.networks.length).toBeGreaterThan(3);
      const oldSchema = readModels.engine.activeSchema('networks');
      let rebuilding = true;
      const answers: number[] = [];
      const reader = (async () => {
        while (rebuilding) {
          const response = await api.graphql<{ networks: unknown[] }>(`{ networks { ${NETWORK_FIELDS} } }`, {}, coach);
          if (response.errors) throw new Error(JSON.stringify(response.errors));
          answers.push(response.data!.networks.length);
          expect(response.data).toEqual(before);
        }
      })();
      const result = await readModels.engine.rebuild('networks');
      const answeredBeforeTheSwitch = answers.length;
      await eventually('a query answered from the new generation', () => answers.length > answeredBeforeTheSwitch + 1);
      rebuilding = false;
      await reader;
      expect(readModels.engine.activeSchema('networks')).not.toBe(oldSchema);
      expect(result.events).toBeGreaterThan(0);
      expect(answers.length).toBeGreaterThan(0);
      expect(await query(`query($after: Position) { networks(after: $after) { ${NETWORK_FIELDS} } }`)).toEqual(before);

      // The rebuilt generation caught up on its own, then rejoined the others: every projection follows new events.
      const networkId = await startNetwork('PEER_NETWORK', { municipality: 'Rhenen' });
      await readModels.engine.waitFor(readModels.engine.projections, BigInt(last), 5000);
      const after = await query<{ networks: Array<{ id: string }> }>(`query($after: Position) { networks(after: $after) { id } }`);
      expect(after.networks.map((n) => n.id)).toContain(networkId);
    });
  });
}

queriesOverHttp(pgliteTarget);
queriesOverHttp(postgresTarget);
