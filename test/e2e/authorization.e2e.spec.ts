import { GraphQLSchemaHost } from '@nestjs/graphql';
import { ACCESS_RULES } from '../../apps/api/src/authorization/access-rules';
import { RunningApi, startApi } from '../support/api';
import { networkCharter, newParticipant } from '../support/fixtures';
import { GraphqlResponse, mutationText } from '../support/graphql-client';
import { eventually } from '../support/eventually';
import { changeUntil, subscribeToNetwork } from '../support/subscriptions';
import { describeOn, pgliteTarget, postgresTarget, StoreTarget } from '../support/targets';

type Role = 'PROJECT_LEADER' | 'FACILITATOR' | 'EVALUATOR' | 'AUDITOR';
const ROLES: Role[] = ['PROJECT_LEADER', 'FACILITATOR', 'EVALUATOR', 'AUDITOR'];
const STAFF: Role[] = ['PROJECT_LEADER', 'FACILITATOR'];

/**
 * Who may use each operation, written out from the trust issue's rules (not read from the code's table,
 * so that the two are checked against each other): a facilitator within their scope, an evaluator
 * figures only, an auditor the audit queries only.
 */
const ALLOWED: Record<string, Role[]> = {
  me: ROLES,
  network: ['PROJECT_LEADER', 'FACILITATOR', 'EVALUATOR'],
  networks: ['PROJECT_LEADER', 'FACILITATOR', 'EVALUATOR'],
  shrinkingNetworks: ['PROJECT_LEADER', 'FACILITATOR', 'EVALUATOR'],
  networkGrowth: ['PROJECT_LEADER', 'FACILITATOR', 'EVALUATOR'],
  careTimeline: STAFF,
  scaleDownSummary: ['PROJECT_LEADER', 'EVALUATOR'],
  referrals: STAFF,
  referralSummary: ['PROJECT_LEADER', 'EVALUATOR'],
  impact: ['PROJECT_LEADER', 'EVALUATOR'],
  whoKnew: ['AUDITOR'],
  accessLog: ['AUDITOR'],
  verifyAccessLog: ['AUDITOR'],
  networkChanged: ['PROJECT_LEADER', 'FACILITATOR', 'EVALUATOR'],
  startNetwork: ['PROJECT_LEADER'],
  assignFacilitator: ['PROJECT_LEADER'],
  forgetParticipant: ['PROJECT_LEADER'],
  registerParticipant: STAFF,
  joinNetwork: STAFF,
  leaveNetwork: STAFF,
  involveNeighbour: STAFF,
  recordMeeting: STAFF,
  followUpAbsence: STAFF,
  reportOutsideContact: STAFF,
  guideNeighbour: STAFF,
  recordHelpExchange: STAFF,
  agreePlan: STAFF,
  completeAgreement: STAFF,
  closeNetwork: STAFF,
  setIndividualSupport: STAFF,
  scaleDownSupport: STAFF,
  scaleUpSupport: STAFF,
  recordTalent: STAFF,
  answerCoreQuestions: STAFF,
  registerHelpQuestion: STAFF,
  bundleHelpQuestion: STAFF,
  recordOutcome: STAFF,
  giveConsent: STAFF,
  withdrawConsent: STAFF,
  shareInformation: STAFF,
  unshareInformation: STAFF,
  referToBuddyProgramme: STAFF,
  closeReferral: STAFF,
};

const SUBS: Record<Role, string> = { PROJECT_LEADER: 'leader-1', FACILITATOR: 'coach-a', EVALUATOR: 'evaluator-1', AUDITOR: 'auditor-1' };

function authorizationOverHttp(target: StoreTarget): void {
  describeOn(target, 'Who may do what, over HTTP', () => {
    let api: RunningApi;
    const tokens = {} as Record<Role | 'coach-b', string>;
    /** The world: network A (coach-a's) and B (coach-b's), a question group and a support circle of coach-a's. */
    const world = {} as Record<'A' | 'B' | 'group' | 'circle' | 'resident' | 'pa1' | 'pa2' | 'pb1' | 'referralB' | 'meetingB', string>;
    let last = '0';
    let counter = 0;

    const run = async (mutation: string, input: Record<string, unknown>, token = tokens.PROJECT_LEADER) => {
      const result = await api.mutate(mutation, input, token);
      last = result.position;
      return result.id;
    };
    /** A fresh person within coach-a's scope (they registered them), in network A when asked. */
    const person = async (inA = false) => {
      const id = await run('registerParticipant', newParticipant(`Deelnemer ${++counter}`), tokens.FACILITATOR);
      if (inA) await run('joinNetwork', { networkId: world.A, participantId: id, role: 'PARTICIPANT', joinedOn: '2024-01-02' });
      return id;
    };

    /** A meeting's input that lists everyone else who was a member that day as of unknown presence (a meeting must account for all). */
    const meetingOf = async (networkId: string, heldOn: string, attended: string[], absent: string[] = []) => {
      const { data } = await api.graphql<{ network: { members: Array<{ participantId: string; joinedOn: string }> } }>(
        'query($id: ID!, $after: Position) { network(id: $id, after: $after) { members { participantId joinedOn } } }',
        { id: networkId, after: last },
        tokens.PROJECT_LEADER,
      );
      const listed = [...attended, ...absent];
      const presenceUnknown = data!.network.members
        .filter((member) => member.joinedOn <= heldOn && !listed.includes(member.participantId))
        .map((member) => member.participantId);
      return { networkId, heldOn, activity: 'koffie', attended, absent, presenceUnknown };
    };

    /** For each mutation: a call within coach-a's scope, with whatever it needs set up first (by the project leader). */
    const MUTATIONS: Record<string, () => Promise<Record<string, unknown>>> = {
      startNetwork: async () => networkCharter('PEER_NETWORK'),
      assignFacilitator: async () => ({
        networkId: await run('startNetwork', networkCharter('QUESTION_GROUP')),
        staffId: 'coach-x',
        name: 'Coach X',
      }),
      registerParticipant: async () => newParticipant('Nieuw'),
      joinNetwork: async () => ({ networkId: world.A, participantId: await person(), role: 'PARTICIPANT', joinedOn: '2024-01-03' }),
      leaveNetwork: async () => ({ networkId: world.A, participantId: await person(true), reason: 'verhuisd', leftOn: '2024-02-01' }),
      involveNeighbour: async () => ({ networkId: world.A, participantId: await person(), offer: 'taalles', involvedOn: '2024-01-04' }),
      recordMeeting: () => meetingOf(world.A, '2024-01-08', [world.pa1]),
      followUpAbsence: async () => {
        const absent = await person(true);
        const meetingId = await run('recordMeeting', await meetingOf(world.A, '2024-01-09', [world.pa1], [absent]));
        return { networkId: world.A, meetingId, participantId: absent, outcome: 'ziek' };
      },
      reportOutsideContact: async () => ({ networkId: world.A, between: [world.pa1, world.pa2], kind: 'biertje', on: '2024-01-20' }),
      guideNeighbour: async () => {
        const neighbour = await person();
        await run('involveNeighbour', { networkId: world.A, participantId: neighbour, offer: 'klussen', involvedOn: '2024-01-04' });
        return { networkId: world.A, participantId: neighbour, notes: 'rolafbakening', guidedOn: '2024-01-10' };
      },
      recordHelpExchange: async () => ({
        networkId: world.A,
        helperId: world.pa1,
        helpedId: world.pa2,
        talent: 'fietsen',
        on: '2024-01-21',
      }),
      agreePlan: async () => ({
        networkId: world.circle,
        agreedOn: '2024-01-10',
        agreements: [{ assigneeId: world.resident, task: 'post' }],
      }),
      completeAgreement: async () => {
        const plan = await run('agreePlan', {
          networkId: world.circle,
          agreedOn: '2024-01-11',
          agreements: [{ assigneeId: world.resident, task: 'koken' }],
        });
        return { networkId: world.circle, agreementId: `${plan}.1`, completedOn: '2024-01-30' };
      },
      closeNetwork: async () => {
        const networkId = await run('startNetwork', networkCharter('PEER_NETWORK'));
        await run('assignFacilitator', { networkId, staffId: 'coach-a', name: 'Coach A' });
        return { networkId, reason: 'klaar', closedOn: '2024-12-31' };
      },
      setIndividualSupport: async () => ({ participantId: await person(), everyWeeks: 1, on: '2024-01-01' }),
      scaleDownSupport: async () => {
        const participantId = await person();
        await run('setIndividualSupport', { participantId, everyWeeks: 2, on: '2024-01-01' });
        return { participantId, toEveryWeeks: 4, reason: 'netwerk draagt', on: '2024-03-01' };
      },
      scaleUpSupport: async () => {
        const participantId = await person();
        await run('setIndividualSupport', { participantId, everyWeeks: 2, on: '2024-01-01' });
        return { participantId, toEveryWeeks: 1, reason: 'terugval', on: '2024-03-01' };
      },
      recordTalent: async () => ({ participantId: await person(), talent: 'zingen', on: '2024-01-02' }),
      answerCoreQuestions: async () => ({ participantId: await person(), want: 'a', can: 'b', need: 'c', on: '2024-01-02' }),
      registerHelpQuestion: async () => ({ participantId: await person(), question: 'samen koken', on: '2024-01-02' }),
      bundleHelpQuestion: async () => {
        const participantId = await person();
        const questionId = await run('registerHelpQuestion', { participantId, question: 'wonen', on: '2024-01-02' });
        return { participantId, questionId, networkId: world.group, on: '2024-01-05' };
      },
      recordOutcome: async () => ({ participantId: await person(), instrument: 'DJG6', score: 3, measuredOn: '2024-06-01' }),
      giveConsent: async () => ({ participantId: await person(), purpose: 'onderzoek', on: '2024-01-02' }),
      withdrawConsent: async () => ({ participantId: await person(), purpose: 'evaluation', on: '2024-01-02' }),
      shareInformation: async () => ({ participantId: await person(true), topic: 'schulden', sharedWith: [world.pa1], on: '2024-02-01' }),
      unshareInformation: async () => {
        const participantId = await person(true);
        await run('shareInformation', { participantId, topic: 'schulden', sharedWith: [world.pa1], on: '2024-02-01' });
        return { participantId, topic: 'schulden', from: [world.pa1], on: '2024-03-01' };
      },
      referToBuddyProgramme: async () => ({ participantId: await person(), programme: 'Humanitas', reason: 'eenzaam', on: '2024-01-02' }),
      closeReferral: async () => {
        const referralId = await run('referToBuddyProgramme', {
          participantId: await person(),
          programme: 'Humanitas',
          reason: 'x',
          on: '2024-01-02',
        });
        return { referralId, status: 'MATCHED', on: '2024-02-01' };
      },
      forgetParticipant: async () => ({ participantId: await person(), reason: 'verzoek' }),
    };

    /** For each query: a call within coach-a's scope. */
    const QUERIES: Record<string, () => { query: string; variables?: Record<string, unknown> }> = {
      me: () => ({ query: '{ me { id } }' }),
      network: () => ({ query: 'query($id: ID!) { network(id: $id) { id members { displayName } } }', variables: { id: world.A } }),
      networks: () => ({ query: '{ networks { id } }' }),
      shrinkingNetworks: () => ({ query: '{ shrinkingNetworks { id } }' }),
      networkGrowth: () => ({
        query: 'query($id: ID!) { networkGrowth(networkId: $id, interval: MONTH, to: "2024-03-01") { size } }',
        variables: { id: world.A },
      }),
      careTimeline: () => ({
        query: 'query($id: ID!) { careTimeline(participantId: $id) { participantId } }',
        variables: { id: world.pa1 },
      }),
      scaleDownSummary: () => ({ query: '{ scaleDownSummary { participantsWithSupport } }' }),
      referrals: () => ({ query: '{ referrals { id } }' }),
      referralSummary: () => ({ query: '{ referralSummary { programme } }' }),
      impact: () => ({ query: '{ impact(from: "2024-01-01", to: "2024-12-31") { total { networks } } }' }),
      whoKnew: () => ({
        query: 'query($id: ID!) { whoKnew(participantId: $id, topic: "schulden") { personId } }',
        variables: { id: world.pa1 },
      }),
      accessLog: () => ({ query: 'query($id: ID!) { accessLog(subjectId: $id) { id } }', variables: { id: world.pa1 } }),
      verifyAccessLog: () => ({ query: '{ verifyAccessLog { intact } }' }),
    };

    /** Sends a call and checks a refusal: FORBIDDEN, nothing answered, one DENIED access-log entry and nothing else written, no data named. */
    const expectRefused = async (role: Role | 'coach-b', send: () => Promise<GraphqlResponse>, operation: string, named: string[]) => {
      const before = await api.store.headPosition();
      const response = await send();
      expect(response.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      // Nothing answered: no data, or (for a nullable field) null in its place.
      expect(Object.values(response.data ?? {}).every((value) => value === null)).toBe(true);
      for (const value of named) expect(response.errors![0].message).not.toContain(value);
      const written = [];
      for await (const event of api.store.readAll({ after: before })) written.push(event);
      expect(written.map((e) => [e.type, e.data.outcome, e.data.what, e.data.actorId])).toEqual([
        ['RecordAccessed', 'DENIED', operation, role === 'coach-b' ? 'coach-b' : SUBS[role]],
      ]);
    };
    const argValues = (input: Record<string, unknown>) =>
      Object.values(input)
        .flatMap((value) => (Array.isArray(value) ? value : [value]))
        .filter((value): value is string => typeof value === 'string' && value.length > 3);

    beforeAll(async () => {
      api = await startApi(target, 'authorization');
      for (const role of ROLES) tokens[role] = await api.token(SUBS[role], [role]);
      tokens['coach-b'] = await api.token('coach-b', ['FACILITATOR']);
      world.A = await run('startNetwork', networkCharter('PEER_NETWORK', { name: 'Kring A' }));
      world.B = await run('startNetwork', networkCharter('PEER_NETWORK', { name: 'Kring B' }));
      world.group = await run('startNetwork', networkCharter('QUESTION_GROUP'));
      world.resident = await run('registerParticipant', newParticipant('Bewoner'));
      world.circle = await run('startNetwork', networkCharter('SUPPORT_CIRCLE', { focalParticipantId: world.resident }));
      for (const [networkId, staffId] of [
        [world.A, 'coach-a'],
        [world.group, 'coach-a'],
        [world.circle, 'coach-a'],
        [world.B, 'coach-b'],
      ])
        await run('assignFacilitator', { networkId, staffId, name: staffId });
      for (const key of ['pa1', 'pa2', 'pb1'] as const) {
        world[key] = await run('registerParticipant', newParticipant(`Lid ${key}`));
        const networkId = key === 'pb1' ? world.B : world.A;
        await run('joinNetwork', { networkId, participantId: world[key], role: 'PARTICIPANT', joinedOn: '2024-01-02' });
      }
      await run('setIndividualSupport', { participantId: world.pa1, everyWeeks: 1, on: '2024-01-01' });
      await run('setIndividualSupport', { participantId: world.pb1, everyWeeks: 1, on: '2024-01-01' });
      world.referralB = await run('referToBuddyProgramme', {
        participantId: world.pb1,
        programme: 'Humanitas',
        reason: 'x',
        on: '2024-01-02',
      });
      world.meetingB = await run('recordMeeting', {
        networkId: world.B,
        heldOn: '2024-01-08',
        activity: 'x',
        attended: [world.pb1],
        absent: [],
      });
      await run('referToBuddyProgramme', { participantId: world.pa1, programme: 'Humanitas', reason: 'x', on: '2024-01-02' });
    });
    afterAll(() => api?.close());

    it('has a rule for every operation the API serves, and this matrix covers each of them', () => {
      const schema = api.app.get(GraphQLSchemaHost).schema;
      const served = [schema.getQueryType()!, schema.getMutationType()!, schema.getSubscriptionType()!].flatMap((type) =>
        Object.keys(type.getFields()).map((field) => `${type.name}.${field}`),
      );
      expect(Object.keys(ACCESS_RULES).sort()).toEqual([...served].sort());
      expect(served.map((coordinate) => coordinate.split('.')[1]).sort()).toEqual(Object.keys(ALLOWED).sort());
      expect([...Object.keys(MUTATIONS), ...Object.keys(QUERIES), 'networkChanged'].sort()).toEqual(Object.keys(ALLOWED).sort());
    });

    describe.each(Object.keys(MUTATIONS))('mutation %s', (mutation) => {
      it.each(ROLES)('as %s', async (role) => {
        const input = await MUTATIONS[mutation]();
        const send = () => api.graphql(mutationText(mutation), { input }, tokens[role]);
        if (!ALLOWED[mutation].includes(role)) return expectRefused(role, send, mutation, argValues(input));
        const response = await send();
        expect(response.errors).toBeUndefined();
        expect((response.data as Record<string, { id: string }>)[mutation].id).toEqual(expect.any(String));
      });
    });

    describe.each(Object.keys(QUERIES))('query %s', (query) => {
      it.each(ROLES)('as %s', async (role) => {
        const call = QUERIES[query]();
        const send = () => api.graphql(call.query, { ...call.variables }, tokens[role]);
        if (!ALLOWED[query].includes(role)) return expectRefused(role, send, query, Object.values(call.variables ?? {}) as string[]);
        const response = await send();
        expect(response.errors).toBeUndefined();
        expect(response.data).toEqual({ [query]: expect.anything() });
      });
    });

    it('an evaluator reads a network with its figures, never a name', async () => {
      const response = await api.graphql<{ network: { members: Array<{ displayName: string | null }> } }>(
        'query($id: ID!, $after: Position) { network(id: $id, after: $after) { members { displayName } plan { planId } } }',
        { id: world.A, after: last },
        tokens.EVALUATOR,
      );
      expect(response.data!.network.members.length).toBeGreaterThan(1);
      expect(response.data!.network.members.every((member) => member.displayName === null)).toBe(true);
    });

    describe('a facilitator outside their scope', () => {
      it("cannot read another network, its members or growth, nor another network's people", async () => {
        const probes: Array<[string, string, Record<string, unknown>]> = [
          ['network', 'query($id: ID!) { network(id: $id) { id members { displayName } } }', { id: world.B }],
          ['networkGrowth', 'query($id: ID!) { networkGrowth(networkId: $id, interval: MONTH) { size } }', { id: world.B }],
          ['careTimeline', 'query($id: ID!) { careTimeline(participantId: $id) { participantId } }', { id: world.pb1 }],
          ['network', 'query($id: ID!) { network(id: $id) { id } }', { id: 'no-such-network' }],
        ];
        for (const [operation, query, variables] of probes)
          await expectRefused(
            'FACILITATOR',
            () => api.graphql(query, variables, tokens.FACILITATOR),
            operation,
            Object.values(variables) as string[],
          );
      });

      it('sees only their own networks and referrals in lists', async () => {
        const list = async <T>(query: string) => (await api.graphql<T>(query, { after: last }, tokens.FACILITATOR)).data!;
        const { networks } = await list<{ networks: Array<{ id: string }> }>('query($after: Position) { networks(after: $after) { id } }');
        expect(networks.map((n) => n.id).sort()).toEqual(expect.arrayContaining([world.A, world.group, world.circle]));
        expect(networks.map((n) => n.id)).not.toContain(world.B);
        const { referrals } = await list<{ referrals: Array<{ participantId: string }> }>(
          'query($after: Position) { referrals(after: $after) { participantId } }',
        );
        expect(referrals.map((r) => r.participantId)).toContain(world.pa1);
        expect(referrals.map((r) => r.participantId)).not.toContain(world.pb1);
        // The other facilitator sees the other side.
        const theirs = await api.graphql<{ networks: Array<{ id: string }> }>(
          'query($after: Position) { networks(after: $after) { id } }',
          { after: last },
          tokens['coach-b'],
        );
        expect(theirs.data!.networks.map((n) => n.id)).toEqual([world.B]);
      });

      it("cannot subscribe to another network's changes", async () => {
        let answer: GraphqlResponse | undefined;
        const client = subscribeToNetwork(api.url, tokens.FACILITATOR, world.B, 'id', { next: (result) => (answer ??= result) });
        try {
          await eventually('the subscription was answered', () => answer !== undefined);
          expect(answer!.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
          expect(answer!.errors![0].message).not.toContain(world.B);
        } finally {
          await client.dispose();
        }
      });

      it("cannot record anything in another network, nor act on another network's people, meetings or referrals", async () => {
        const mine = await person();
        const attempts: Array<[string, Record<string, unknown>]> = [
          ['recordMeeting', { networkId: world.B, heldOn: '2024-01-08', activity: 'x', attended: [world.pb1], absent: [] }],
          ['followUpAbsence', { networkId: world.B, meetingId: world.meetingB, participantId: world.pb1, outcome: 'x' }],
          ['joinNetwork', { networkId: world.A, participantId: world.pb1, role: 'PARTICIPANT', joinedOn: '2024-01-03' }],
          ['joinNetwork', { networkId: world.B, participantId: mine, role: 'PARTICIPANT', joinedOn: '2024-01-03' }],
          ['setIndividualSupport', { participantId: world.pb1, everyWeeks: 2, on: '2024-01-01' }],
          ['shareInformation', { participantId: world.pb1, topic: 'schulden', sharedWith: [world.pa1], on: '2024-02-01' }],
          ['closeReferral', { referralId: world.referralB, status: 'DECLINED', on: '2024-02-01' }],
          ['recordMeeting', { networkId: 'no-such-network', heldOn: '2024-01-08', activity: 'x', attended: [world.pa1], absent: [] }],
        ];
        for (const [mutation, input] of attempts)
          await expectRefused(
            'FACILITATOR',
            () => api.graphql(mutationText(mutation), { input }, tokens.FACILITATOR),
            mutation,
            argValues(input),
          );
      });

      it('a facilitator just assigned acts at once; one replaced loses the network, and their subscription to it ends', async () => {
        const networkId = await run('startNetwork', networkCharter('PEER_NETWORK'));
        await run('assignFacilitator', { networkId, staffId: 'coach-a', name: 'Coach A' });
        const [member, member2] = [await person(), await person()];
        // No waiting: when the scope would refuse, it is read again as of the log's head.
        for (const participantId of [member, member2])
          await run('joinNetwork', { networkId, participantId, role: 'PARTICIPANT', joinedOn: '2024-01-02' }, tokens.FACILITATOR);

        const pushes: Array<{ meetingsHeld: number }> = [];
        let completed = false;
        const client = subscribeToNetwork(api.url, tokens.FACILITATOR, networkId, 'meetingsHeld', {
          next: ({ data }) => pushes.push((data as { networkChanged: { meetingsHeld: number } }).networkChanged),
          complete: () => (completed = true),
        });
        try {
          const contact = () => run('reportOutsideContact', { networkId, between: [member, member2], kind: 'x', on: '2024-01-20' });
          await changeUntil(() => pushes.length > 0, contact);
          await run('assignFacilitator', { networkId, staffId: 'coach-c', name: 'Coach C' }); // a peer network has one coach: coach-a is replaced
          await run('recordMeeting', await meetingOf(networkId, '2024-01-15', [member]));
          await eventually('the subscription completed', () => completed);
          // Nothing after the replacement reached them: never the state with the meeting.
          expect(pushes.every((push) => push.meetingsHeld === 0)).toBe(true);
        } finally {
          await client.dispose();
        }
        await expectRefused(
          'FACILITATOR',
          () =>
            api.graphql(
              'query($id: ID!, $after: Position) { network(id: $id, after: $after) { id } }',
              { id: networkId, after: last },
              tokens.FACILITATOR,
            ),
          'network',
          [networkId],
        );
      });
    });

    describe.each(ROLES)('subscription networkChanged as %s', (role) => {
      it(ALLOWED.networkChanged.includes(role) ? 'receives the network after a change' : 'is refused, FORBIDDEN', async () => {
        let answer: GraphqlResponse | undefined;
        const client = subscribeToNetwork(api.url, tokens[role], world.A, 'id meetingsHeld', { next: (result) => (answer ??= result) });
        try {
          if (ALLOWED.networkChanged.includes(role)) {
            const contact = () =>
              run('reportOutsideContact', { networkId: world.A, between: [world.pa1, world.pa2], kind: 'x', on: '2024-01-20' });
            await changeUntil(() => answer !== undefined, contact);
            expect(answer).toEqual({ data: { networkChanged: { id: world.A, meetingsHeld: expect.any(Number) } } });
          } else {
            await eventually('the subscription was answered', () => answer !== undefined);
            expect(answer!.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
          }
        } finally {
          await client.dispose();
        }
      });
    });
  });
}

authorizationOverHttp(pgliteTarget);
authorizationOverHttp(postgresTarget);
