import { RecordedEvent } from '@kring/event-store';
import { PersonalDataCipher } from '@kring/privacy';
import { Metrics } from '../../apps/api/src/metrics/metrics';
import { CommandRunner } from '../../apps/api/src/commands/command-runner';
import { EventProvenance, IdSource } from '../../apps/api/src/commands/command-context';
import { NETWORK_STREAM } from '../../apps/api/src/commands/streams';
import { RunningApi, startApi } from '../support/api';
import { CommandResultJson, mutationText, signToken } from '../support/graphql-client';
import { collect } from '../support/collect';
import { networkCharter, newParticipant } from '../support/fixtures';
import { describeOn, pgliteTarget, postgresTarget, StoreTarget } from '../support/targets';

function commandsOverHttp(target: StoreTarget): void {
  describeOn(target, 'Commands over HTTP', () => {
    let api: RunningApi;
    let coach: string;

    /** Runs a mutation that must succeed. */
    async function run(
      mutation: string,
      input: Record<string, unknown>,
      token = coach,
      headers?: Record<string, string>,
    ): Promise<CommandResultJson> {
      return api.mutate(mutation, input, token, headers);
    }

    /**
     * Runs a mutation that must be refused, and checks that nothing was written: no event at all, or
     * only the access log's record of names the refusal read (`readsLogged`).
     */
    async function refuse(
      mutation: string,
      input: Record<string, unknown>,
      token = coach,
      readsLogged = 0,
    ): Promise<{ code: string; message: string; fields?: Record<string, string[]> }> {
      const before = await api.store.headPosition();
      const response = await api.graphql(mutationText(mutation), { input }, token);
      expect(response.errors).toHaveLength(1);
      const written = await collect(api.store.readAll({ after: before }));
      expect(written.map((event) => event.type)).toEqual(Array(readsLogged).fill('RecordAccessed'));
      const [error] = response.errors!;
      return { code: String(error.extensions?.code), message: error.message, fields: error.extensions?.fields };
    }

    const register = async (displayName: string) => (await run('registerParticipant', newParticipant(displayName))).id;
    const stream = (streamId: string): Promise<RecordedEvent[]> => collect(api.store.readStream(streamId));
    const types = async (streamId: string) => (await stream(streamId)).map((event) => event.type);
    const startNetwork = (method: string, extra: Record<string, unknown> = {}) => run('startNetwork', networkCharter(method, extra));

    beforeAll(async () => {
      api = await startApi(target, 'commands');
      // Commands as a project leader, who may run every one of them (who may do what: authorization.e2e.spec.ts).
      coach = await api.token('coach-1', ['PROJECT_LEADER'], { name: 'Netwerkcoach' });
    });
    afterAll(() => api?.close());

    describe('authentication', () => {
      const me = '{ me { id name roles } }';
      it('knows the caller from a valid token', async () => {
        expect(await api.graphql(me, {}, coach)).toEqual({
          data: { me: { id: 'coach-1', name: 'Netwerkcoach', roles: ['PROJECT_LEADER'] } },
        });
      });
      it.each([
        ['no token', async () => undefined],
        ['a token signed with another secret', () => signToken('coach-1', ['FACILITATOR'], { secret: 'not-the-secret-of-this-server' })],
        ['an expired token', () => signToken('coach-1', ['FACILITATOR'], { expiresIn: '-1m' })],
        ['a token with an unknown role', () => signToken('coach-1', ['ADMIN'])],
        ['a malformed token', async () => 'not.a.jwt'],
      ])('answers UNAUTHENTICATED for %s, on queries and mutations alike', async (_, makeToken) => {
        const token = await makeToken();
        const answer = await api.graphql(me, {}, token);
        expect(answer.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
        expect(
          await refuse('registerParticipant', { displayName: 'X', municipality: 'Baarn', consentToEvaluation: true }, token ?? ''),
        ).toMatchObject({
          code: 'UNAUTHENTICATED',
        });
      });
    });

    it('runs a Samen Sterk peer network through every network mutation, with metadata on every event', async () => {
      const [p1, p2, p3, buur] = await Promise.all(['Monique', 'Ahmed', 'Els', 'Kees'].map(register));
      const network = await startNetwork('PEER_NETWORK');
      await run('assignFacilitator', { networkId: network.id, staffId: 'coach-1', name: 'Netwerkcoach' });
      await run('joinNetwork', { networkId: network.id, participantId: p1, role: 'PARTICIPANT', joinedOn: '2024-01-02' });
      await run('joinNetwork', { networkId: network.id, participantId: p2, role: 'PARTICIPANT', invitedBy: p1, joinedOn: '2024-01-02' });
      await run('joinNetwork', {
        networkId: network.id,
        participantId: p3,
        role: 'EXPERIENCE_EXPERT',
        invitedBy: null,
        joinedOn: '2024-01-03',
      });
      await run('involveNeighbour', { networkId: network.id, participantId: buur, offer: 'taalles Nederlands', involvedOn: '2024-01-04' });
      await run('guideNeighbour', { networkId: network.id, participantId: buur, notes: 'rolafbakening', guidedOn: '2024-01-10' });
      // A meeting must account for every current member: the refusal names who was left out, by name.
      expect(
        await refuse(
          'recordMeeting',
          { networkId: network.id, heldOn: '2024-01-08', activity: 'koffie drinken', attended: [p1, buur], absent: [p3] },
          coach,
          1,
        ),
      ).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: {
          attended: [`Every current member must be listed as attended, absent, excused or presenceUnknown; not listed: Ahmed (${p2})`],
        },
      });
      const meeting = await run(
        'recordMeeting',
        { networkId: network.id, heldOn: '2024-01-08', activity: 'koffie drinken', attended: [p1, p2, buur], absent: [p3] },
        coach,
        { 'x-correlation-id': 'front-end-42' },
      );
      expect(meeting.id).not.toBe(network.id);
      await run('followUpAbsence', {
        networkId: network.id,
        meetingId: meeting.id,
        participantId: p3,
        outcome: 'was ziek, komt volgende week',
      });
      await run('reportOutsideContact', { networkId: network.id, between: [p1, p2], kind: 'samen verhuisd', on: '2024-01-20' });
      await run('recordHelpExchange', { networkId: network.id, helperId: p1, helpedId: p2, talent: 'wandelroute', on: '2024-01-21' });
      const leaving = await run('leaveNetwork', {
        networkId: network.id,
        participantId: p2,
        reason: 'verhuisd naar Zwolle',
        leftOn: '2024-02-01',
      });
      const closing = await run('closeNetwork', { networkId: network.id, reason: 'pilot afgerond', closedOn: '2024-12-31' });
      expect(BigInt(closing.position)).toBeGreaterThan(BigInt(leaving.position));

      const events = await stream(`network-${network.id}`);
      expect(events.map((event) => event.type)).toEqual([
        'NetworkStarted',
        'FacilitatorAssigned',
        'ParticipantJoined',
        'ParticipantJoined',
        'ParticipantJoined',
        'NeighbourInvolved',
        'NeighbourGuided',
        'MeetingHeld',
        'AbsenceFollowedUp',
        'ContactOutsideMeetingsReported',
        'HelpExchanged',
        'ParticipantLeft',
        'NetworkClosed',
      ]);
      const held = events.find((event) => event.type === 'MeetingHeld')!;
      expect(held).toMatchObject({
        version: 1,
        data: { meetingId: meeting.id, attended: [p1, p2, buur], absent: [p3], sequence: 1 },
        metadata: {
          actorId: 'coach-1',
          actorRoles: ['PROJECT_LEADER'],
          commandType: 'RecordMeeting',
          correlationId: 'front-end-42',
          source: expect.stringMatching(/^kring-api@/),
        },
      });
      expect(held.metadata.causationId).toBe(held.metadata.commandId);
      expect(meeting.position).toBe(held.position.toString());
      expect(events.find((event) => event.type === 'ParticipantLeft')!.data).toEqual({
        networkId: network.id,
        participantId: p2,
        leftOn: '2024-02-01',
        // Personal text is stored sealed for its subject, never in plain text.
        personal: { subjectId: p2, reason: expect.stringMatching(/^ks1\./) },
      });
      expect(events.every((event) => typeof event.metadata.correlationId === 'string' && event.metadata.actorId === 'coach-1')).toBe(true);
    });

    it('runs a support circle with its plan, an atelier of four meetings and a question group', async () => {
      const [resident, aunt, member, asker] = await Promise.all(['Bewoner', 'Tante', 'Deelnemer', 'Vrager'].map(register));
      const circle = await startNetwork('SUPPORT_CIRCLE', { focalParticipantId: resident });
      await run('answerCoreQuestions', {
        participantId: resident,
        want: 'zelfstandig wonen',
        can: 'koken',
        need: 'hulp met post',
        on: '2024-01-02',
      });
      await run('joinNetwork', { networkId: circle.id, participantId: aunt, role: 'CIRCLE_MEMBER', joinedOn: '2024-01-03' });
      await run('recordMeeting', {
        networkId: circle.id,
        heldOn: '2024-01-10',
        activity: 'eerste steunkring',
        attended: [resident, aunt],
        absent: [],
      });
      const plan = await run('agreePlan', {
        networkId: circle.id,
        agreedOn: '2024-01-10',
        agreements: [{ assigneeId: aunt, task: 'post doornemen', dueOn: '2024-02-01' }],
      });
      await run('completeAgreement', { networkId: circle.id, agreementId: `${plan.id}.1`, completedOn: '2024-01-30' });
      expect(await types(`network-${circle.id}`)).toEqual([
        'NetworkStarted',
        'ParticipantJoined',
        'ParticipantJoined',
        'MeetingHeld',
        'PlanAgreed',
        'AgreementCompleted',
      ]);
      expect((await stream(`network-${circle.id}`))[2].data).toMatchObject({
        participantId: aunt,
        role: 'CIRCLE_MEMBER',
        chosenBy: resident,
      });

      const atelier = await startNetwork('ATELIER');
      await run('joinNetwork', { networkId: atelier.id, participantId: member, role: 'PARTICIPANT', joinedOn: '2024-01-02' });
      for (const heldOn of ['2024-01-08', '2024-01-15', '2024-01-22', '2024-01-29']) {
        await run('recordMeeting', { networkId: atelier.id, heldOn, activity: 'atelier', attended: [member], absent: [] });
      }
      expect(
        await refuse('recordMeeting', { networkId: atelier.id, heldOn: '2024-02-05', activity: 'vijfde', attended: [member], absent: [] }),
      ).toMatchObject({
        code: 'CONFLICT',
        message: expect.stringContaining('programme of 4 meetings is complete'),
      });

      const group = await startNetwork('QUESTION_GROUP');
      await run('recordTalent', { participantId: asker, talent: 'fietsen repareren', on: '2024-01-02' });
      const question = await run('registerHelpQuestion', { participantId: asker, question: 'samen wonen', on: '2024-01-02' });
      await run('bundleHelpQuestion', { participantId: asker, questionId: question.id, networkId: group.id, on: '2024-01-05' });
      expect(await types(`participant-${asker}`)).toEqual([
        'ParticipantRegistered',
        'TalentRecorded',
        'HelpQuestionRegistered',
        'HelpQuestionBundled',
      ]);
    });

    it("records a participant's care: support, referral, outcomes, consent, sharing and forgetting", async () => {
      const [p1, p2, outsider] = await Promise.all(['Monique', 'Ahmed', 'Buiten'].map(register));
      const network = await startNetwork('PEER_NETWORK');
      await run('assignFacilitator', { networkId: network.id, staffId: 'coach-1', name: 'Netwerkcoach' });
      await run('joinNetwork', { networkId: network.id, participantId: p1, role: 'PARTICIPANT', joinedOn: '2024-01-02' });
      await run('joinNetwork', { networkId: network.id, participantId: p2, role: 'PARTICIPANT', joinedOn: '2024-01-02' });

      await run('setIndividualSupport', { participantId: p1, everyWeeks: 1, on: '2024-01-01' });
      await run('scaleDownSupport', { participantId: p1, toEveryWeeks: 3, reason: 'netwerk draagt', on: '2024-03-01' });
      await run('scaleUpSupport', { participantId: p1, toEveryWeeks: 2, reason: 'terugval', on: '2024-05-01' });
      const referral = await run('referToBuddyProgramme', {
        participantId: p1,
        programme: 'maatjesproject Humanitas',
        reason: 'meer nodig',
        on: '2024-05-02',
      });
      await run('closeReferral', { referralId: referral.id, status: 'MATCHED', on: '2024-06-01' });
      expect(await types(`referral-${referral.id}`)).toEqual(['ReferredToBuddyProgramme', 'ReferralClosed']);
      await run('recordOutcome', { participantId: p1, instrument: 'DJG6', score: 3, measuredOn: '2024-06-01' });
      await run('withdrawConsent', { participantId: p1, purpose: 'evaluation', on: '2024-06-02' });
      await run('giveConsent', { participantId: p1, purpose: 'evaluation', on: '2024-06-03' });

      // Staff record, on the participant's behalf, whom they tell: a fellow member and the coach; nobody else.
      await run('shareInformation', { participantId: p1, topic: 'schulden', sharedWith: [p2, 'coach-1'], on: '2024-06-10' });
      expect((await stream(`participant-${p1}`)).at(-1)!.data).toMatchObject({ onBehalf: true, sharedBy: 'coach-1' });
      expect(
        await refuse('shareInformation', { participantId: p1, topic: 'verslaving', sharedWith: [outsider], on: '2024-06-10' }),
      ).toMatchObject({
        code: 'CONFLICT',
        message: expect.stringContaining(outsider),
      });
      await run('unshareInformation', { participantId: p1, topic: 'schulden', from: [p2], on: '2024-07-01' });

      await run('forgetParticipant', { participantId: p1, reason: 'AVG art. 17 verzoek' });
      expect(await refuse('recordOutcome', { participantId: p1, instrument: 'DJG6', score: 2, measuredOn: '2024-08-01' })).toMatchObject({
        code: 'CONFLICT',
      });
      expect(await refuse('referToBuddyProgramme', { participantId: p1, programme: 'x', reason: 'y', on: '2024-08-01' })).toMatchObject({
        code: 'CONFLICT',
      });
      expect(await types(`participant-${p1}`)).toEqual([
        'ParticipantRegistered',
        'IndividualSupportSet',
        'SupportScaledDown',
        'SupportScaledUp',
        'OutcomeMeasured',
        'ConsentWithdrawn',
        'ConsentGiven',
        'InformationShared',
        'InformationUnshared',
        'ParticipantForgotten',
      ]);
    });

    it('answers BAD_USER_INPUT with messages per field, writing nothing', async () => {
      const refusal = await refuse('startNetwork', {
        name: '  ',
        method: 'PEER_NETWORK',
        municipality: 'Baarn',
        purpose: 'x',
        funding: 'SUBSIDIE',
        cadenceWeeks: 0,
        startedOn: '2024-01-01',
      });
      expect(refusal).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: { name: [expect.stringContaining('visible text')], cadenceWeeks: [expect.any(String)] },
      });
      const p1 = await register('Monique');
      expect(await refuse('reportOutsideContact', { networkId: 'n', between: [p1], kind: 'x', on: '2024-01-01' })).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: { between: [expect.stringContaining('at least 2')] },
      });
      expect(
        await refuse('recordMeeting', { networkId: 'n', heldOn: '2024-01-01', activity: 'x', attended: [p1, p1], absent: [] }),
      ).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: { attended: [expect.stringContaining('unique')] },
      });
      expect(await refuse('recordOutcome', { participantId: p1, instrument: 'DJG6', score: 9, measuredOn: '2024-01-01' })).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: { score: [expect.stringContaining('De Jong Gierveld')] },
      });
      expect(
        await refuse('agreePlan', { networkId: 'n', agreedOn: '2024-01-01', agreements: [{ assigneeId: p1, task: ' ' }] }),
      ).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: { 'agreements.0.task': [expect.any(String)] },
      });
      // Malformed scalars and enums are refused by GraphQL itself, before any resolver runs.
      for (const [mutation, input] of [
        ['setIndividualSupport', { participantId: p1, everyWeeks: 2, on: '2024-02-30' }],
        ['closeReferral', { referralId: 'r', status: 'SOMETIMES', on: '2024-01-01' }],
      ] as const) {
        expect(await refuse(mutation, input)).toMatchObject({ code: 'BAD_USER_INPUT' });
      }
    });

    it('answers CONFLICT for a broken rule and NOT_FOUND for an unknown id, writing nothing', async () => {
      const p1 = await register('Monique');
      const network = await startNetwork('PEER_NETWORK');
      await run('joinNetwork', { networkId: network.id, participantId: p1, role: 'PARTICIPANT', joinedOn: '2024-01-02' });
      expect(
        await refuse('joinNetwork', { networkId: network.id, participantId: p1, role: 'PARTICIPANT', joinedOn: '2024-01-03' }),
      ).toMatchObject({
        code: 'CONFLICT',
        message: expect.stringContaining('already a member'),
      });
      expect(
        await refuse('recordMeeting', { networkId: network.id, heldOn: '2024-01-08', activity: 'x', attended: [p1], absent: ['stranger'] }),
      ).toMatchObject({
        code: 'CONFLICT',
      });
      expect(await refuse('scaleDownSupport', { participantId: p1, toEveryWeeks: 3, reason: 'x', on: '2024-02-01' })).toMatchObject({
        code: 'CONFLICT',
      });
      expect(
        await refuse('joinNetwork', { networkId: 'no-such-network', participantId: p1, role: 'PARTICIPANT', joinedOn: '2024-01-03' }),
      ).toMatchObject({
        code: 'NOT_FOUND',
      });
      expect(
        await refuse('joinNetwork', {
          networkId: network.id,
          participantId: 'no-such-person',
          role: 'PARTICIPANT',
          joinedOn: '2024-01-03',
        }),
      ).toMatchObject({
        code: 'NOT_FOUND',
      });
      expect(await refuse('closeReferral', { referralId: 'no-such-referral', status: 'MATCHED', on: '2024-01-03' })).toMatchObject({
        code: 'NOT_FOUND',
      });
      expect(
        await refuse('startNetwork', {
          name: 'Steunkring',
          method: 'SUPPORT_CIRCLE',
          municipality: 'Baarn',
          purpose: 'x',
          funding: 'BESCHIKKING',
          cadenceWeeks: 2,
          startedOn: '2024-01-01',
        }),
      ).toMatchObject({
        code: 'CONFLICT',
        message: expect.stringContaining('focalParticipantId is required'),
      });
    });

    it('returns the first result for a repeated commandId and writes nothing new', async () => {
      const p1 = await register('Monique');
      const startInput = {
        commandId: 'start-42',
        name: 'Samen Sterk Bunschoten',
        method: 'PEER_NETWORK',
        municipality: 'Bunschoten',
        purpose: 'x',
        funding: 'INDICATIE',
        cadenceWeeks: 2,
        startedOn: '2024-01-01',
      };
      const network = await run('startNetwork', startInput);
      const head = await api.store.headPosition();
      expect(await run('startNetwork', startInput)).toEqual(network);

      const join = { commandId: 'join-42', networkId: network.id, participantId: p1, role: 'PARTICIPANT', joinedOn: '2024-01-02' };
      const joined = await run('joinNetwork', join);
      expect(await run('joinNetwork', join)).toEqual(joined); // would be "already a member" without the commandId

      const meetingInput = {
        commandId: 'meeting-42',
        networkId: network.id,
        heldOn: '2024-01-08',
        activity: 'koffie',
        attended: [p1],
        absent: [],
      };
      const meeting = await run('recordMeeting', meetingInput);
      const replies = await Promise.all([1, 2, 3].map(() => run('recordMeeting', meetingInput)));
      expect(replies).toEqual([meeting, meeting, meeting]);

      expect(await api.store.headPosition()).toBe(head + 2n);
      expect(await types(`network-${network.id}`)).toEqual(['NetworkStarted', 'ParticipantJoined', 'MeetingHeld']);
      // The same key on another mutation is another request: refused, nothing written.
      expect(
        await refuse('registerParticipant', {
          commandId: 'start-42',
          displayName: 'Ander',
          municipality: 'Baarn',
          consentToEvaluation: false,
        }),
      ).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('commandId was already used for another request') });
    });

    it('accepts 20 concurrent commands on one network without losing any', async () => {
      const people = await Promise.all(Array.from({ length: 4 }, (_, i) => register(`Deelnemer ${i}`)));
      const network = await startNetwork('PEER_NETWORK');
      for (const participantId of people)
        await run('joinNetwork', { networkId: network.id, participantId, role: 'PARTICIPANT', joinedOn: '2024-01-02' });
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          run('recordMeeting', {
            networkId: network.id,
            heldOn: `2024-02-${String(i + 1).padStart(2, '0')}`,
            activity: `bijeenkomst ${i}`,
            attended: people,
            absent: [],
          }),
        ),
      );
      expect(new Set(results.map((result) => result.id)).size).toBe(20);
      const meetings = (await stream(`network-${network.id}`)).filter((event) => event.type === 'MeetingHeld');
      expect(meetings.map((event) => event.data.meetingId).sort()).toEqual(results.map((result) => result.id).sort());
      expect(meetings.map((event) => event.data.sequence)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    });

    it('decides again on fresh state when another writer changed the stream meanwhile', async () => {
      // A second runner over the same store, with its own cache and queue, is another API process.
      const ids = api.app.get(IdSource);
      const other = new CommandRunner(api.store, ids, api.app.get(EventProvenance), api.app.get(PersonalDataCipher), api.app.get(Metrics));
      const runner = api.app.get(CommandRunner);
      const people = await Promise.all(Array.from({ length: 3 }, (_, i) => register(`Lid ${i}`)));
      const network = await startNetwork('PEER_NETWORK');
      for (const participantId of people)
        await run('joinNetwork', { networkId: network.id, participantId, role: 'PARTICIPANT', joinedOn: '2024-01-02' });
      // The same caller as the HTTP requests below (the coach's token), so a request is the same request in either process.
      const caller = {
        actor: { id: 'coach-1', name: 'Netwerkcoach', roles: ['PROJECT_LEADER' as never] },
        correlationId: 'c',
        purpose: 'management' as const,
      };
      const meetingInput = (commandId: string) => ({
        commandId,
        networkId: network.id,
        heldOn: '2024-03-01',
        activity: 'x',
        attended: people,
        absent: [],
      });
      const viaOther = (commandId: string) => {
        const { context, newId } = ids.begin(caller, 'recordMeeting', meetingInput(commandId));
        const meetingId = newId('meeting');
        return other.execute(NETWORK_STREAM, network.id, 'RecordMeeting', context, meetingId, () => ({
          type: 'RecordMeeting' as const,
          meetingId,
          heldOn: '2024-03-01',
          activity: 'x',
          attended: people,
          absent: [],
        }));
      };
      const viaHttp = (i: number) =>
        run('recordMeeting', { networkId: network.id, heldOn: '2024-03-02', activity: `http ${i}`, attended: people, absent: [] });
      await Promise.all(Array.from({ length: 10 }, (_, i) => [viaOther(`other-${i}`), viaHttp(i)]).flat());
      const meetings = (await stream(`network-${network.id}`)).filter((event) => event.type === 'MeetingHeld');
      expect(meetings).toHaveLength(20);
      expect(meetings.map((event) => event.data.sequence)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));

      // Whichever went second met the other's append at least once, and decided again.
      expect(runner.retried.conflicts + other.retried.conflicts).toBeGreaterThan(0);

      // The API's cached fold misses a meeting the other writer recorded: its append is refused once, and decided again.
      await viaOther('other-behind');
      const conflictsBefore = { ...runner.retried };
      await viaHttp(10);
      expect(runner.retried).toEqual({ ...conflictsBefore, conflicts: conflictsBefore.conflicts + 1 });

      // The API's cached fold does not know the newcomer the other writer added: it must read again, not refuse.
      const newcomer = await register('Nieuw');
      const { context } = ids.begin(caller, 'joinNetwork', { networkId: network.id, participantId: newcomer });
      await other.execute(NETWORK_STREAM, network.id, 'JoinNetwork', context, network.id, () => ({
        type: 'JoinNetwork' as const,
        participantId: newcomer,
        role: 'PARTICIPANT' as const,
        joinedOn: '2024-03-03',
        participant: 'registered' as const,
      }));
      const refusedBefore = { ...runner.retried };
      await run('recordMeeting', {
        networkId: network.id,
        heldOn: '2024-03-04',
        activity: 'met nieuwkomer',
        attended: [newcomer],
        absent: people,
      });
      expect(runner.retried).toEqual({ ...refusedBefore, onStaleCache: refusedBefore.onStaleCache + 1 });

      // A request the other process handled is recognised by its idempotency key here too: same meeting, same position.
      const first = await viaOther('other-99');
      const retried = await run('recordMeeting', meetingInput('other-99'));
      expect(retried).toEqual({ id: first.id, position: first.position.toString() });
      expect((await stream(`network-${network.id}`)).filter((event) => event.type === 'MeetingHeld')).toHaveLength(24);
    });
  });
}

commandsOverHttp(pgliteTarget);
commandsOverHttp(postgresTarget);
