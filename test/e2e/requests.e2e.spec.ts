import { GraphQLSchemaHost } from '@nestjs/graphql';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  getNamedType,
  GraphQLEnumType,
  GraphQLField,
  GraphQLInputObjectType,
  GraphQLInputType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLScalarType,
  GraphQLSchema,
  isNonNullType,
} from 'graphql';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { SqlDriver } from '@kring/event-store';
import { SQL_DRIVER } from '../../apps/api/src/event-store/event-store.module';
import { LIMITS } from '../../apps/api/src/graphql/limits';
import { RunningApi, startApi } from '../support/api';
import { networkCharter, newParticipant } from '../support/fixtures';
import { mutationText, signToken, TEST_AUTH_SECRET } from '../support/graphql-client';
import { describeOn, pgliteTarget, postgresTarget, StoreTarget } from '../support/targets';

interface Refusal {
  code: string;
  message: string;
  fields?: Record<string, string[]>;
}

function requestsOnStore(target: StoreTarget): void {
  describeOn(target, 'Every request either right or refused', () => {
    let api: RunningApi;
    let leader: string;

    const run = (mutation: string, input: Record<string, unknown>, token = leader) => api.mutate(mutation, input, token);
    /** A request that must be refused: one error, nothing written to the log. */
    const refused = async (
      query: string,
      variables: Record<string, unknown>,
      token = leader,
      headers?: Record<string, string>,
    ): Promise<Refusal> => {
      const head = await api.store.headPosition();
      const response = await api.graphql(query, variables, token, headers);
      expect(await api.store.headPosition()).toBe(head);
      expect(response.errors?.length).toBeGreaterThanOrEqual(1);
      const [error] = response.errors!;
      return { code: String(error.extensions?.code), message: error.message, fields: error.extensions?.fields };
    };
    const refusedMutation = (mutation: string, input: Record<string, unknown>, token = leader) =>
      refused(mutationText(mutation), { input }, token);

    beforeAll(async () => {
      api = await startApi(target, 'requests');
      leader = await api.token('leader-1', ['PROJECT_LEADER']);
    });
    afterAll(() => api?.close());

    describe('idempotency keys bound to the request', () => {
      const KEY_REUSED = { code: 'CONFLICT', message: expect.stringContaining('commandId was already used for another request') };

      it('refuses a commandId sent again with another input, by another caller, or for another mutation, writing nothing', async () => {
        const anna = await run('registerParticipant', { commandId: 'reg-1', ...newParticipant('Anna Eerst') });
        expect(await refusedMutation('registerParticipant', { commandId: 'reg-1', ...newParticipant('Bert Anders') })).toMatchObject(
          KEY_REUSED,
        );
        // The same request again is answered as the first time.
        expect(await run('registerParticipant', { commandId: 'reg-1', ...newParticipant('Anna Eerst') })).toEqual(anna);
        const other = await api.token('leader-2', ['PROJECT_LEADER']);
        expect(await refusedMutation('registerParticipant', { commandId: 'reg-1', ...newParticipant('Anna Eerst') }, other)).toMatchObject(
          KEY_REUSED,
        );
        expect(await refusedMutation('startNetwork', { commandId: 'reg-1', ...networkCharter('PEER_NETWORK') })).toMatchObject(KEY_REUSED);

        const bert = (await run('registerParticipant', newParticipant('Bert'))).id;
        const referral = { commandId: 'ref-1', programme: 'Humanitas', reason: 'eenzaam', on: '2024-01-02' };
        await run('referToBuddyProgramme', { ...referral, participantId: anna.id });
        expect(await refusedMutation('referToBuddyProgramme', { ...referral, participantId: bert })).toMatchObject(KEY_REUSED);
      });

      it('gives two meetings recorded with one commandId on two networks different ids, even once the key is forgotten', async () => {
        const [a, b] = [
          (await run('startNetwork', networkCharter('PEER_NETWORK'))).id,
          (await run('startNetwork', networkCharter('PEER_NETWORK'))).id,
        ];
        const member = (await run('registerParticipant', newParticipant('Lid'))).id;
        for (const networkId of [a, b])
          await run('joinNetwork', { networkId, participantId: member, role: 'PARTICIPANT', joinedOn: '2024-01-02' });
        const meeting = (networkId: string) => ({
          commandId: 'meet-1',
          networkId,
          heldOn: '2024-01-08',
          activity: 'koffie',
          attended: [member],
          absent: [],
        });
        const first = await run('recordMeeting', meeting(a));
        expect(await refusedMutation('recordMeeting', meeting(b))).toMatchObject(KEY_REUSED);
        // Past its retention the key is new again; the request's own content still names its meeting.
        await api.store.forgetIdempotencyKeys(new Date(Date.now() + 1000));
        const second = await run('recordMeeting', meeting(b));
        expect(second.id).not.toBe(first.id);
        const { data } = await api.graphql<{ network: { meetingsHeld: number }; networkGrowth: Array<{ meetings: number }> }>(
          'query($id: ID!, $after: Position) { network(id: $id, after: $after) { meetingsHeld } networkGrowth(networkId: $id, interval: MONTH, to: "2024-01-31", after: $after) { meetings } }',
          { id: b, after: second.position },
          leader,
        );
        expect(data).toEqual({ network: { meetingsHeld: 1 }, networkGrowth: [{ meetings: 1 }] });
      });
    });

    describe('clean input at the edge', () => {
      it('refuses invisible names, escape codes, dates outside 1900-2100, instants with impossible offsets, and says which field', async () => {
        const expectField = (refusal: Refusal, field: string) => {
          expect(refusal.code).toBe('BAD_USER_INPUT');
          if (refusal.fields) expect(Object.keys(refusal.fields)).toContain(field);
          else expect(refusal.message).toContain(field);
        };
        expectField(await refusedMutation('registerParticipant', newParticipant('\u200b\u200b\u200b')), 'displayName');
        expectField(await refusedMutation('registerParticipant', newParticipant(' \u2060\ufeff ')), 'displayName');
        expectField(await refusedMutation('registerParticipant', newParticipant('\u001b[31mRood\u001b[0m')), 'displayName');
        expectField(await refusedMutation('startNetwork', networkCharter('PEER_NETWORK', { startedOn: '0000-01-01' })), 'startedOn');
        expectField(await refusedMutation('startNetwork', networkCharter('PEER_NETWORK', { startedOn: '9999-12-31' })), 'startedOn');
        const asOf = await refused('query($a: DateTime) { scaleDownSummary(asOf: $a) { scaledDown } }', { a: '9999-12-31T23:59:59-23:59' });
        expect(asOf).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('DateTime') });
      });

      it('refuses scores outside the instrument’s range or not finite, and instruments not on the list exactly as written', async () => {
        const participantId = (await run('registerParticipant', newParticipant('Meting'))).id;
        const outcome = (instrument: string, score: number) => ({ participantId, instrument, score, measuredOn: '2024-06-01' });
        for (const [instrument, score, field] of [
          ['DJG6', 1e308, 'score'],
          ['DJG6', -1e308, 'score'],
          ['DJG6', 99, 'score'],
          ['DJG6 ', 99, 'instrument'],
          ['djg6', 3, 'instrument'],
          ['eigen lijst', 3, 'instrument'],
        ] as const)
          expect((await refusedMutation('recordOutcome', outcome(instrument, score))).fields).toHaveProperty(field);
        await run('recordOutcome', outcome('ZRM', 3.5));
      });

      it('stores text in one Unicode form: a name typed with a combining accent reads back composed', async () => {
        const network = await run('startNetwork', networkCharter('PEER_NETWORK'));
        const person = await run('registerParticipant', newParticipant('Rene\u0301e'));
        const joined = await run('joinNetwork', {
          networkId: network.id,
          participantId: person.id,
          role: 'PARTICIPANT',
          joinedOn: '2024-01-02',
        });
        const { data } = await api.graphql<{ network: { members: Array<{ displayName: string }> } }>(
          'query($id: ID!, $after: Position) { network(id: $id, after: $after) { members { displayName } } }',
          { id: network.id, after: joined.position },
          leader,
        );
        expect(data!.network.members[0].displayName).toBe('Ren\u00e9e');
      });
    });

    it('refuses NUL, lone surrogates and over-long text in every string field of every operation: BAD_USER_INPUT naming the field, nothing written, nothing of it in the server log', async () => {
      const schema = api.app.get(GraphQLSchemaHost).schema;
      const logged: string[] = [];
      const capture = (stream: NodeJS.WriteStream) =>
        jest.spyOn(stream, 'write').mockImplementation(function (this: NodeJS.WriteStream, chunk: unknown) {
          logged.push(String(chunk));
          return true;
        });
      const spies = [capture(process.stdout), capture(process.stderr)];
      const auditor = await api.token('auditor-1', ['AUDITOR']);
      let checked = 0;
      try {
        for (const { field, kind } of operations(schema)) {
          const token = ['whoKnew', 'accessLog', 'verifyAccessLog'].includes(field.name) ? auditor : leader;
          for (const { path, variables } of stringFields(field)) {
            for (const hostile of ['naam\u0000MARKER-NUL', 'x\ud800MARKER-SURROGATE', `MARKER-LONG${'a'.repeat(3000)}`]) {
              const refusal = await refused(documentFor(kind, field), variables(hostile), token);
              expect({ operation: field.name, path, code: refusal.code }).toEqual({ operation: field.name, path, code: 'BAD_USER_INPUT' });
              expect(`${refusal.message} ${JSON.stringify(refusal.fields ?? {})}`).toContain(path.split('.').at(-1));
              checked++;
            }
          }
        }
      } finally {
        spies.forEach((spy) => spy.mockRestore());
      }
      expect(checked).toBeGreaterThan(150);
      expect(logged.filter((line) => line.includes('MARKER'))).toEqual([]);
    });

    it('masks a failure nobody foresaw: INTERNAL_SERVER_ERROR with the correlation id, no database or code text to the client, no personal data or SQL text in the server log', async () => {
      const sql = api.app.get<SqlDriver>(SQL_DRIVER);
      // A fault the API cannot foresee: the database refuses every append, quoting what it was given.
      await sql.exec(`
        CREATE FUNCTION kring_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'no room for % of stream % in kring_events', NEW.type, NEW.stream_id USING ERRCODE = '53100'; END $$;
        CREATE TRIGGER kring_test_refuse BEFORE INSERT ON kring_events FOR EACH ROW EXECUTE FUNCTION kring_test_refuse();`);
      const logged: string[] = [];
      const spies = [process.stdout, process.stderr].map((stream) =>
        jest.spyOn(stream, 'write').mockImplementation((chunk: unknown) => logged.push(String(chunk)) > 0),
      );
      const participant = newParticipant('Truus MARKER-INTERNAL');
      let refusal: Refusal;
      try {
        refusal = await refused(mutationText('registerParticipant'), { input: participant }, leader, {
          'x-correlation-id': 'support-call-7',
        });
      } finally {
        spies.forEach((spy) => spy.mockRestore());
        await sql.exec('DROP TRIGGER kring_test_refuse ON kring_events; DROP FUNCTION kring_test_refuse();');
      }
      expect(refusal).toEqual({
        code: 'INTERNAL_SERVER_ERROR',
        message: 'Internal server error (correlation id support-call-7); the server log has the details',
        fields: undefined,
      });
      // The log has what support needs to find it (the correlation id, the kind and SQLSTATE, where in the code) and nothing of the data.
      const log = logged.join('');
      expect(log).toContain('correlation id support-call-7');
      expect(log).toContain('code 53100');
      for (const secret of ['MARKER', 'no room', 'participant-', 'INSERT', 'kring_events'])
        expect({ secret, logged: log.includes(secret) }).toEqual({ secret, logged: false });
      // Nothing was half-written: the same request goes through once the fault is gone.
      expect((await run('registerParticipant', participant)).id).toEqual(expect.any(String));
    });

    describe('token hygiene', () => {
      const me = '{ me { id } }';
      const code = async (token: string) => (await api.graphql(me, {}, token)).errors?.[0].extensions?.code ?? 'ok';
      const secret = new TextEncoder().encode(TEST_AUTH_SECRET);
      const now = Math.floor(Date.now() / 1000);

      it('refuses a token without exp or iat, issued in the future, living longer than 12 h, or without a known role', async () => {
        const sign = (claims: Record<string, unknown>, header = { alg: 'HS256' }) =>
          new SignJWT({ roles: ['PROJECT_LEADER'], ...claims }).setProtectedHeader(header).setSubject('p-1').sign(secret);
        expect(await code(await sign({ iat: now, exp: now + 3600 }))).toBe('ok');
        expect(await code(await sign({ iat: now }))).toBe('UNAUTHENTICATED');
        expect(await code(await sign({ exp: now + 3600 }))).toBe('UNAUTHENTICATED');
        expect(await code(await sign({ iat: now + 10 * 365 * 86_400, exp: now + 10 * 365 * 86_400 + 3600 }))).toBe('UNAUTHENTICATED');
        expect(await code(await sign({ iat: now + 10, exp: now + 3600 }))).toBe('ok'); // within the clock tolerance
        expect(await code(await sign({ iat: now, exp: now + 24 * 3600 }))).toBe('UNAUTHENTICATED');
        expect(await code(await sign({ iat: now, exp: now + 3600, roles: [] }))).toBe('UNAUTHENTICATED');
        expect(await code(await sign({ iat: now, exp: now + 3600, nbf: now + 600 }))).toBe('UNAUTHENTICATED');
      });

      it('checks issuer and audience whenever they are set, with a shared secret', async () => {
        const strict = await startApi(target, 'issuer', { KRING_AUTH_ISSUER: 'https://idp.example', KRING_AUTH_AUDIENCE: 'kring' });
        try {
          const sign = (claims: Record<string, unknown>) =>
            new SignJWT({ roles: ['PROJECT_LEADER'], ...claims })
              .setProtectedHeader({ alg: 'HS256' })
              .setSubject('p-1')
              .setIssuedAt()
              .setExpirationTime('1h')
              .sign(secret);
          const ask = async (token: string) => (await strict.graphql(me, {}, token)).errors?.[0].extensions?.code ?? 'ok';
          expect(await ask(await sign({ iss: 'https://idp.example', aud: 'kring' }))).toBe('ok');
          expect(await ask(await sign({ iss: 'https://elsewhere', aud: 'kring' }))).toBe('UNAUTHENTICATED');
          expect(await ask(await sign({ iss: 'https://idp.example', aud: 'another-app' }))).toBe('UNAUTHENTICATED');
          expect(await ask(await signToken('p-1', ['PROJECT_LEADER']))).toBe('UNAUTHENTICATED');
        } finally {
          await strict.close();
        }
      });

      it("checks the same with the identity provider's key set (JWKS)", async () => {
        const { publicKey, privateKey } = await generateKeyPair('RS256');
        const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
        const idp: Server = createServer((_, response) =>
          response.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [jwk] })),
        );
        await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
        const url = `http://127.0.0.1:${(idp.address() as AddressInfo).port}/jwks`;
        const withKeys = await startApi(target, 'jwks', {
          KRING_AUTH_JWKS_URL: url,
          KRING_AUTH_ISSUER: 'https://idp.example',
          KRING_AUTH_AUDIENCE: 'kring',
        });
        try {
          const sign = (claims: Record<string, unknown>, lifetime = '1h') =>
            new SignJWT({ roles: ['AUDITOR'], ...claims })
              .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
              .setSubject('a-1')
              .setIssuedAt()
              .setExpirationTime(lifetime)
              .sign(privateKey);
          const ask = async (token: string) => (await withKeys.graphql(me, {}, token)).errors?.[0].extensions?.code ?? 'ok';
          expect(await ask(await sign({ iss: 'https://idp.example', aud: 'kring' }))).toBe('ok');
          expect(await ask(await sign({ iss: 'https://elsewhere', aud: 'kring' }))).toBe('UNAUTHENTICATED');
          expect(await ask(await sign({ iss: 'https://idp.example', aud: 'other' }))).toBe('UNAUTHENTICATED');
          expect(await ask(await sign({ iss: 'https://idp.example', aud: 'kring' }, '13h'))).toBe('UNAUTHENTICATED');
          expect(await ask(await signToken('a-1', ['AUDITOR']))).toBe('UNAUTHENTICATED'); // signed with a secret, not the key set
        } finally {
          await withKeys.close();
          idp.close();
        }
      });
    });

    it(`caps a request at ${LIMITS.mutations} mutations and ${LIMITS.rootFields} top-level fields, writing nothing beyond`, async () => {
      const registrations = (n: number) =>
        `mutation { ${Array.from({ length: n }, (_, i) => `r${i}: registerParticipant(input: { displayName: "P${i}", municipality: "Baarn", consentToEvaluation: true }) { id }`).join(' ')} }`;
      expect(await refused(registrations(LIMITS.mutations + 1), {})).toMatchObject({
        code: 'GRAPHQL_VALIDATION_FAILED',
        message: expect.stringContaining(`at most ${LIMITS.mutations} top-level fields`),
      });
      const head = await api.store.headPosition();
      expect((await api.graphql(registrations(LIMITS.mutations), {}, leader)).errors).toBeUndefined();
      expect(await api.store.headPosition()).toBe(head + BigInt(LIMITS.mutations));
      const queries = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `m${i}: me { id }`).join(' ')} }`;
      expect((await api.graphql(queries(LIMITS.rootFields), {}, leader)).errors).toBeUndefined();
      // Through a fragment too.
      expect(await refused(`{ ...f } fragment f on Query { ${queries(LIMITS.rootFields + 1).slice(2, -2)} }`, {})).toMatchObject({
        code: 'GRAPHQL_VALIDATION_FAILED',
        message: expect.stringContaining(`at most ${LIMITS.rootFields} top-level fields`),
      });
    });

    it('takes a purpose of use from the list only, and records an emergency (noodtoegang) as such', async () => {
      const auditor = await api.token('auditor-1', ['AUDITOR']);
      const subject = (await run('registerParticipant', newParticipant('Noodgeval'))).id;
      const log = 'query($s: ID!) { accessLog(subjectId: $s) { what purpose } }';
      // (HTTP itself trims a header's surrounding spaces: " care" arrives as "care".)
      for (const purpose of ['voorbereiding bijeenkomst', 'CARE', 'care, audit', 'audit2'])
        expect(await refused(log, { s: subject }, auditor, { 'X-Kring-Purpose': purpose })).toMatchObject({
          code: 'BAD_USER_INPUT',
          message: expect.stringContaining('care, management, evaluation, audit, emergency'),
        });
      const answer = await api.graphql<{ accessLog: Array<{ what: string; purpose: string }> }>(log, { s: subject }, auditor, {
        'X-Kring-Purpose': 'emergency',
      });
      expect(answer.data!.accessLog.find((entry) => entry.what === 'accessLog')).toEqual({ what: 'accessLog', purpose: 'emergency' });
    });
  });
}

type Operation = { field: GraphQLField<unknown, unknown>; kind: 'query' | 'mutation' };

function operations(schema: GraphQLSchema): Operation[] {
  return [
    ...Object.values(schema.getQueryType()!.getFields()).map((field) => ({ field, kind: 'query' as const })),
    ...Object.values(schema.getMutationType()!.getFields()).map((field) => ({ field, kind: 'mutation' as const })),
  ];
}

function documentFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const variables = field.args.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const args = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  return `${kind}${variables ? `(${variables})` : ''} { ${field.name}${args ? `(${args})` : ''} { __typename } }`;
}

/** A value GraphQL accepts for a type (so the request reaches Kring's own checks). */
function placeholder(type: GraphQLInputType): unknown {
  if (type instanceof GraphQLNonNull) return placeholder(type.ofType);
  if (type instanceof GraphQLList) return [placeholder(type.ofType)];
  if (type instanceof GraphQLEnumType) return type.getValues()[0].name;
  if (type instanceof GraphQLInputObjectType)
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter((f) => isNonNullType(f.type))
        .map((f) => [f.name, placeholder(f.type)]),
    );
  return {
    ID: 'x-1',
    String: 'tekst',
    Int: 1,
    Float: 1,
    Boolean: true,
    Date: '2024-01-01',
    DateTime: '2024-01-01T00:00:00Z',
    Position: '0',
  }[(type as GraphQLScalarType).name];
}

/** Every String or ID field an operation takes (its arguments and the fields of its input), each with variables that put a given text there. */
function stringFields(
  field: GraphQLField<unknown, unknown>,
): Array<{ path: string; variables: (text: string) => Record<string, unknown> }> {
  const found: Array<{ path: string; variables: (text: string) => Record<string, unknown> }> = [];
  const base = () =>
    Object.fromEntries(field.args.filter((arg) => isNonNullType(arg.type)).map((arg) => [arg.name, placeholder(arg.type)]));
  const isText = (type: GraphQLInputType) => ['String', 'ID'].includes(getNamedType(type).name);
  const isList = (type: GraphQLInputType) => (type instanceof GraphQLNonNull ? type.ofType : type) instanceof GraphQLList;
  const at = (type: GraphQLInputType, text: string) => (isList(type) ? [text] : text);
  for (const arg of field.args) {
    if (isText(arg.type)) found.push({ path: arg.name, variables: (text) => ({ ...base(), [arg.name]: at(arg.type, text) }) });
    const named = getNamedType(arg.type);
    if (named instanceof GraphQLInputObjectType)
      for (const inner of Object.values(named.getFields()))
        if (isText(inner.type))
          found.push({
            path: inner.name,
            variables: (text) => ({ ...base(), [arg.name]: { ...(placeholder(arg.type) as object), [inner.name]: at(inner.type, text) } }),
          });
  }
  return found;
}

requestsOnStore(pgliteTarget);
requestsOnStore(postgresTarget);
