import { GraphQLSchemaHost } from '@nestjs/graphql';
import {
  getIntrospectionQuery,
  getNamedType,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLScalarType,
  GraphQLType,
} from 'graphql';
import { LIMITS } from '../../apps/api/src/graphql/limits';
import { RunningApi, startApi } from '../support/api';
import { pgliteTarget } from '../support/targets';

/** HTTP-level limits are the same whatever the store: these run on the embedded one. */
describe('limits on hostile requests [pglite]', () => {
  let api: RunningApi;
  let leader: string;

  const post = (body: string, token = leader) =>
    fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    });
  const refusal = async (query: string) => {
    const head = await api.store.headPosition();
    const response = await post(JSON.stringify({ query }));
    const body = (await response.json()) as { errors?: Array<{ message: string; extensions?: { code?: string } }>; data?: unknown };
    expect(response.status).toBeLessThan(500);
    expect(body.errors?.length).toBeGreaterThan(0);
    expect(body.data ?? null).toBeNull();
    expect(await api.store.headPosition()).toBe(head);
    return body.errors!.map((error) => error.message).join(' | ');
  };

  beforeAll(async () => {
    api = await startApi(pgliteTarget, 'limits');
    leader = await api.token('leader-1', ['PROJECT_LEADER']);
  });
  afterAll(() => api?.close());

  it(`refuses more than ${LIMITS.aliases} aliases, and 2,000 aliased registrations write nothing`, async () => {
    // Aliases inside one field: the cap on top-level fields (10) would stop them at the top first.
    const aliases = (n: number) => `{ me { ${Array.from({ length: n }, (_, i) => `a${i}: id`).join(' ')} } }`;
    expect((await post(JSON.stringify({ query: aliases(LIMITS.aliases) }))).status).toBe(200);
    expect(await refusal(aliases(LIMITS.aliases + 1))).toMatch(/aliases/i);
    const rss = process.memoryUsage().rss;
    const head = await api.store.headPosition();
    const registrations = `mutation { ${Array.from(
      { length: 2000 },
      (_, i) => `r${i}: registerParticipant(input: { displayName: "X", municipality: "Y", consentToEvaluation: true }) { id }`,
    ).join(' ')} }`;
    expect(await refusal(registrations)).toMatch(/token|aliases/i);
    // Refused before any of them ran: nothing reached the log.
    expect(await api.store.headPosition()).toBe(head);
    expect(process.memoryUsage().rss - rss).toBeLessThan(64 * 1024 * 1024);
  });

  it(`refuses documents deeper than ${LIMITS.depth}, with more than ${LIMITS.tokens} tokens, or costlier than ${LIMITS.cost}`, async () => {
    const deep = Array.from({ length: LIMITS.depth + 2 }, (_, i) => `f${i} {`).join(' ') + ' id' + ' }'.repeat(LIMITS.depth + 2);
    expect(await refusal(`{ me { ${deep} } }`)).toMatch(/depth limit of 8/);
    expect(await refusal(`{ me { id ${' id'.repeat(LIMITS.tokens)} } }`)).toMatch(/more tha[nt] 2000 tokens/);
    const everything = `networks { id name method municipality purpose funding cadenceWeeks startedOn closedOn facilitators size meetingsHeld
      neighboursInvolved outsideContacts absencesAwaitingFollowUp members(includeFormer: true) { participantId displayName role joinedOn leftOn
      invitedBy meetingsAttended meetingsMissedInARow } membersMissingMeetings { participantId } doubling { sequence heldOn membersAfter factor }
      plan { planId agreedOn agreements { agreementId assigneeId task dueOn completedOn } openAgreements { agreementId task } } }`;
    expect(await refusal(`{ ${Array.from({ length: LIMITS.aliases }, (_, i) => `n${i}: ${everything}`).join(' ')} }`)).toMatch(
      /cost limit of 1000/i,
    );
    // Introspection that recurses into itself is refused too (graphql-js's own rule).
    expect(await refusal('{ __schema { types { fields { type { fields { type { fields { type { name } } } } } } } } }')).toMatch(
      /introspection/i,
    );
  });

  it(`answers 413 for a body over ${LIMITS.bodyBytes} bytes, and refuses batched requests`, async () => {
    const big = await post(JSON.stringify({ query: `{ me { id } }`, variables: { padding: 'x'.repeat(LIMITS.bodyBytes) } }));
    expect(big.status).toBe(413);
    expect(JSON.stringify(await big.json())).not.toMatch(/ at |node_modules|\.ts:/);
    const batched = await post(JSON.stringify([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]));
    expect(batched.status).toBe(400);
    expect(await batched.text()).toMatch(/batch/i);
  });

  it('states a maximum on every string and list argument and input field in the schema', () => {
    const schema = api.app.get(GraphQLSchemaHost).schema;
    const unbounded: string[] = [];
    const isText = (type: GraphQLType): boolean => {
      const named = getNamedType(type);
      return named instanceof GraphQLScalarType && ['String', 'ID'].includes(named.name);
    };
    const isList = (type: GraphQLType): boolean => (type instanceof GraphQLNonNull ? isList(type.ofType) : type instanceof GraphQLList);
    const check = (where: string, type: GraphQLType, description: string | null | undefined) => {
      if ((isText(type) || isList(type)) && !/at most \d+|exactly \d+/.test(description ?? '')) unbounded.push(where);
    };
    for (const root of [schema.getQueryType()!, schema.getMutationType()!, schema.getSubscriptionType()!])
      for (const field of Object.values(root.getFields()))
        for (const arg of field.args) check(`${field.name}(${arg.name})`, arg.type, arg.description);
    for (const type of Object.values(schema.getTypeMap()))
      if (type instanceof GraphQLInputObjectType && !type.name.startsWith('__'))
        for (const field of Object.values(type.getFields())) check(`${type.name}.${field.name}`, field.type, field.description);
    expect(unbounded).toEqual([]);
  });

  it('turns introspection off in production unless KRING_INTROSPECTION=on, and then hides field suggestions too', async () => {
    const production = { NODE_ENV: 'production', KRING_INTROSPECTION: '' };
    for (const [env, open] of [
      [production, false],
      [{ ...production, KRING_INTROSPECTION: 'on' }, true],
    ] as const) {
      const server = await startApi(pgliteTarget, 'production', env);
      try {
        const token = await server.token('leader-1', ['PROJECT_LEADER']);
        const introspection = await server.graphql(getIntrospectionQuery(), {}, token);
        if (open) expect(introspection.errors).toBeUndefined();
        else {
          expect(introspection.errors?.[0].message).toMatch(/introspection/i);
          const typo = await server.graphql('{ networkz { id } }', {}, token);
          expect(typo.errors?.[0].message).not.toMatch(/Did you mean/);
        }
      } finally {
        await server.close();
      }
    }
    const development = await api.graphql('{ networkz { id } }', {}, leader);
    expect(development.errors?.[0].message).toMatch(/Did you mean .*"networks"/);
  });

  it('limits requests per token holder per minute (KRING_RATE_LIMIT), saying when to try again; others are not held up', async () => {
    const limited = await startApi(pgliteTarget, 'rate', { KRING_RATE_LIMIT: '5' });
    try {
      const [one, other] = [await limited.token('coach-1', ['FACILITATOR']), await limited.token('coach-2', ['FACILITATOR'])];
      const codes = [];
      for (let i = 0; i < 7; i++) codes.push((await limited.graphql('{ me { id } }', {}, one)).errors?.[0].extensions ?? 'ok');
      expect(codes.slice(0, 5)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
      expect(codes[5]).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
      // Within the minute the five were counted in.
      expect((codes[5] as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect((codes[5] as { retryAfterSeconds: number }).retryAfterSeconds).toBeLessThanOrEqual(60);
      expect((await limited.graphql('{ me { id } }', {}, other)).data).toEqual({ me: { id: 'coach-2' } });
      // A second token of the same person shares the budget: the limit is per token holder.
      expect(
        (await limited.graphql('{ me { id } }', {}, await limited.token('coach-1', ['FACILITATOR']))).errors?.[0].extensions?.code,
      ).toBe('RATE_LIMITED');
    } finally {
      await limited.close();
    }
  });
});
