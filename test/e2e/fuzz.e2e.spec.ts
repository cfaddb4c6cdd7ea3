import { GraphQLSchemaHost } from '@nestjs/graphql';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import {
  getNamedType,
  GraphQLArgument,
  GraphQLEnumType,
  GraphQLField,
  GraphQLInputObjectType,
  GraphQLInputType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLSchema,
} from 'graphql';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { RunningApi, startApi } from '../support/api';
import { collect } from '../support/collect';
import { networkCharter, newParticipant } from '../support/fixtures';
import { describeOn, pgliteTarget, postgresTarget, StoreTarget } from '../support/targets';

const RUNS = Number(process.env.KRING_FUZZ_RUNS ?? 10_000);
/** Fixed, so CI sends the same requests every time; KRING_FUZZ_SEED=random explores (a failure prints its seed to replay). */
const SEED = process.env.KRING_FUZZ_SEED === 'random' ? Date.now() : Number(process.env.KRING_FUZZ_SEED ?? 20261123);

/** `usual` most of the time (weight to 1), `rare` otherwise. */
const mostly = <T, U>(usual: fc.Arbitrary<T>, rare: fc.Arbitrary<U>, weight = 4) =>
  fc.oneof({ weight, arbitrary: usual as fc.Arbitrary<T | U> }, { weight: 1, arbitrary: rare as fc.Arbitrary<T | U> });
/** Operations of the auditor: fuzzed with an auditor's token, the rest with a project leader's (who may use them all). */
const AUDIT = new Set(['whoKnew', 'accessLog', 'verifyAccessLog']);

/** Text a careless or hostile client sends. */
const HOSTILE_TEXT = [
  '',
  ' ',
  '\u0000',
  'naam\u0000met nul',
  'x\ud800y',
  '\udc00',
  '\u200b\u200b',
  '\u202egnp.exe',
  '\u001b[31mrood\u001b[0m',
  "'; DROP TABLE kring_events; --",
  '{"$ne": null}',
  '../../../etc/passwd',
  '${process.exit(1)}',
  '%s%s%n',
  '😀👍🏽',
  'a'.repeat(201),
  'b'.repeat(2001),
  'c'.repeat(20_000),
];
const HOSTILE_DATES = [
  '0000-01-01',
  '9999-12-31',
  '2024-02-30',
  '2024-13-01',
  'gisteren',
  '2024-1-1',
  '+020240-01-01',
  '2024-01-01T00:00:00Z',
];
const HOSTILE_INSTANTS = [
  '9999-12-31T23:59:59-23:59',
  '0000-01-01T00:00:00Z',
  '2024-01-01T25:00:00Z',
  '2024-01-01',
  'nu',
  '2024-01-01T00:00:00+99:99',
];
const HOSTILE_POSITIONS = ['-1', '99999999999999999999', '9223372036854775808', '1e3', 'abc', '0x10', ''];
const HOSTILE_NUMBERS = [0, -1, -0, 1e308, -1e308, 2 ** 31, 2 ** 53 + 1, 0.5, 3.14159, 99];

/** What a server must never tell a client: its stack, files, SQL, database. Only counted when the request did not say it first. */
const LEAKS = [
  '    at ',
  'node_modules',
  '/work/',
  '.ts:',
  'kring_',
  'SQLSTATE',
  'jsonb',
  'relation "',
  'syntax error at',
  'pglite',
  'invalid byte sequence',
  'Unicode escape',
  'ECONN',
];

/** V8's full collection, reached without --expose-gc on the command line. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function fuzzOnStore(target: StoreTarget): void {
  describeOn(target, `${RUNS} hostile requests across every operation`, () => {
    let api: RunningApi;
    let schema: GraphQLSchema;
    const tokens: Record<'leader' | 'auditor', string> = { leader: '', auditor: '' };
    const realIds: string[] = [];

    beforeAll(async () => {
      api = await startApi(target, 'fuzz');
      schema = api.app.get(GraphQLSchemaHost).schema;
      tokens.leader = await api.token('leader-1', ['PROJECT_LEADER']);
      tokens.auditor = await api.token('auditor-1', ['AUDITOR']);
      // A few real ids, so that hostile text also reaches the rules of the methods, not only validation.
      const network = await api.mutate('startNetwork', networkCharter('PEER_NETWORK'), tokens.leader);
      for (const name of ['Een', 'Twee']) {
        const person = await api.mutate('registerParticipant', newParticipant(name), tokens.leader);
        await api.mutate(
          'joinNetwork',
          { networkId: network.id, participantId: person.id, role: 'PARTICIPANT', joinedOn: '2024-01-02' },
          tokens.leader,
        );
        realIds.push(person.id);
      }
      realIds.push(network.id);
    });
    afterAll(() => api?.close());

    /** Values for one GraphQL input type: mostly plausible (so that many requests reach the methods' rules), often hostile, now and then of the wrong kind. */
    function valueFor(type: GraphQLInputType, depth = 0): fc.Arbitrary<unknown> {
      const wrongKind = fc.oneof(
        fc.constant(null),
        fc.integer(),
        fc.boolean(),
        fc.constantFrom(...HOSTILE_TEXT),
        fc.constant({ nested: ['x'] }),
      );
      if (type instanceof GraphQLNonNull) return mostly(valueFor(type.ofType, depth), fc.constant(null), 40);
      if (type instanceof GraphQLList)
        return mostly(
          fc.array(valueFor(type.ofType, depth + 1), { minLength: 1, maxLength: 4 }),
          fc.oneof(fc.constant([]), fc.constant(Array.from({ length: 600 }, (_, i) => `id-${i}`)), wrongKind),
        );
      return mostly(plausibleValue(type, depth), wrongKind, 30);
    }

    function plausibleValue(type: GraphQLInputType, depth: number): fc.Arbitrary<unknown> {
      if (type instanceof GraphQLEnumType)
        return mostly(fc.constantFrom(...type.getValues().map((v) => v.name)), fc.constantFrom('SOMETIMES', 'peer_network', ''));
      if (type instanceof GraphQLInputObjectType) {
        if (depth > 3) return fc.constant({});
        const fields = Object.fromEntries(Object.values(type.getFields()).map((field) => [field.name, valueFor(field.type, depth + 1)]));
        return fc
          .tuple(fc.record(fields, { requiredKeys: [] }), fc.integer({ min: 0, max: 9 }))
          .map(([value, dice]) => (dice === 0 ? { ...value, unknownField: 'x' } : value));
      }
      switch ((type as GraphQLScalarType).name) {
        case 'ID':
          return mostly(fc.constantFrom(...realIds), fc.oneof(fc.constantFrom(...HOSTILE_TEXT), fc.string({ maxLength: 40 })), 3);
        case 'String':
          return fc.oneof(
            { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }) },
            { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_TEXT) },
            { weight: 1, arbitrary: fc.constantFrom('DJG6', 'DJG6 ', 'ZRM', 'evaluation', 'schulden') },
          );
        case 'Int':
          return mostly(fc.integer({ min: -5, max: 60 }), fc.constantFrom(...HOSTILE_NUMBERS), 2);
        case 'Float':
          return mostly(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(...HOSTILE_NUMBERS), 2);
        case 'Boolean':
          return fc.boolean();
        case 'Date':
          return mostly(fc.constantFrom('2024-01-01', '2024-06-30'), fc.constantFrom(...HOSTILE_DATES));
        case 'DateTime':
          return mostly(fc.constant('2024-01-01T00:00:00Z'), fc.constantFrom(...HOSTILE_INSTANTS));
        case 'Position':
          return mostly(fc.constantFrom('0', '1'), fc.constantFrom(...HOSTILE_POSITIONS));
        default:
          return fc.string();
      }
    }

    /** The document for one operation: every argument passed as a variable, every scalar field of its answer asked for. */
    function documentFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
      const variables = field.args.map((arg: GraphQLArgument) => `$${arg.name}: ${String(arg.type)}`).join(', ');
      const args = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
      const returned = getNamedType(field.type);
      const selection =
        returned instanceof GraphQLObjectType
          ? `{ __typename ${Object.values(returned.getFields())
              .filter((f) => getNamedType(f.type) instanceof GraphQLScalarType || getNamedType(f.type) instanceof GraphQLEnumType)
              .filter((f) => f.args.length === 0)
              .map((f) => f.name)
              .join(' ')} }`
          : '';
      return `${kind}${variables ? `(${variables})` : ''} { ${field.name}${args ? `(${args})` : ''} ${selection} }`;
    }

    it('answers every one with a clean refusal or a correct answer: no 5xx, no leak, nothing written by invalid input, memory bounded', async () => {
      const operations = [
        ...Object.values(schema.getQueryType()!.getFields()).map((field) => ({ kind: 'query' as const, field })),
        ...Object.values(schema.getMutationType()!.getFields()).map((field) => ({ kind: 'mutation' as const, field })),
      ];
      // Built once per operation: fast-check then only draws values from them.
      const requestsOf = new Map(
        operations.map(({ kind, field }) => [
          field,
          fc
            .record(Object.fromEntries(field.args.map((arg) => [arg.name, valueFor(arg.type)])), { requiredKeys: [] })
            .map((variables) => ({ name: field.name, query: documentFor(kind, field), variables })),
        ]),
      );
      const requests = fc.constantFrom(...operations).chain(({ field }) => requestsOf.get(field)!);
      const seen = new Map<string, number>();
      // Every request has a correlation id, and every event it causes carries it: what a refused one wrote is found by it afterwards.
      const refused = new Map<string, string>();
      let sent = 0;
      const start = await api.store.headPosition();
      // Measured after a full collection: what is still held (the JS heap, and outside it PGlite's memory), not what awaits collecting.
      const held = () => {
        collectGarbage();
        const { heapUsed, external } = process.memoryUsage();
        return heapUsed + external;
      };
      const heldBefore = held();
      await fc.assert(
        fc.asyncProperty(requests, async ({ name, query, variables }) => {
          const body = JSON.stringify({ query, variables });
          const correlationId = `fuzz-${++sent}`;
          // Through Fastify's whole request cycle (hooks, body limit, parsing), without a socket: the inputs are what is tested, and a socket per request cost as much as the server's work.
          const response = await (api.app as NestFastifyApplication).inject({
            method: 'POST',
            url: '/graphql',
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${AUDIT.has(name) ? tokens.auditor : tokens.leader}`,
              'x-correlation-id': correlationId,
            },
            payload: body,
          });
          const text = response.body;
          const status = response.statusCode;
          if (status >= 500) throw new Error(`${name}: HTTP ${status} ${text.slice(0, 300)}`);
          if (status === 413) return void refused.set(correlationId, `${name}: ${body.slice(0, 300)}`); // refused before it was read
          const answer = JSON.parse(text) as {
            data?: Record<string, unknown> | null;
            errors?: Array<{ message: string; extensions?: { code?: string } }>;
          };
          for (const error of answer.errors ?? []) {
            const code = error.extensions?.code ?? 'NONE';
            seen.set(code, (seen.get(code) ?? 0) + 1);
            if (code === 'INTERNAL_SERVER_ERROR') throw new Error(`${name}: internal error for ${body.slice(0, 300)}`);
            for (const leak of LEAKS)
              if (error.message.includes(leak) && !body.includes(leak))
                throw new Error(`${name}: "${leak}" leaked in "${error.message.slice(0, 300)}"`);
          }
          const answered = answer.data && Object.values(answer.data).some((value) => value !== null);
          if (answered) seen.set('answered', (seen.get('answered') ?? 0) + 1);
          else if (answer.errors) refused.set(correlationId, `${name}: ${body.slice(0, 300)}`);
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
      // Most requests are refused; some get through to the methods' rules, and some succeed.
      expect(seen.get('BAD_USER_INPUT')).toBeGreaterThan(RUNS / 10);
      // Nothing in the log was caused by a refused request; what answered requests wrote is there.
      const written = await collect(api.store.readAll({ after: start }));
      const byRefused = written.filter((event) => refused.has(event.metadata.correlationId ?? ''));
      expect(byRefused.map((event) => `${event.type} by ${refused.get(event.metadata.correlationId!)}`)).toEqual([]);
      // Every event there came from one of these requests: the correlation ids are on them.
      expect(written.length).toBeGreaterThan(0);
      expect(written.filter((event) => !event.metadata.correlationId?.startsWith('fuzz-'))).toEqual([]);
      expect(held() - heldBefore).toBeLessThan(400 * 1024 * 1024);
      const health = await fetch(`${api.url}/health`);
      expect(health.status).toBe(200);
      process.stdout.write(
        `fuzz [${target.adapter}]: ${RUNS} requests (seed ${SEED}), answered and error codes ${JSON.stringify(Object.fromEntries(seen))}\n`,
      );
    }, 900_000); // ten thousand requests take about a minute per store, more on a busy machine
  });
}

fuzzOnStore(pgliteTarget);
fuzzOnStore(postgresTarget);
