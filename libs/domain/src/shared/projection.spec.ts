import { MalformedEventError } from './event-schema';
import {
  applyEvents,
  collection,
  type DocumentTables,
  keysTouched,
  pairKey,
  type ProjectedEvent,
  projection,
  type ProjectionDefinition,
  ProjectionsInMemory,
  type StoredEvent,
} from './projection';

describe('pair keys', () => {
  it('joins two ids with a slash, and gives the same string for the same two ids', () => {
    const first = pairKey('network-1', 'participant-1');
    expect(first).toBe('network-1/participant-1');
    expect(pairKey(['network', '1'].join('-'), ['participant', '1'].join('-'))).toBe(first);
    expect(pairKey('network-1', 'participant-2')).toBe('network-1/participant-2');
    expect(pairKey('network-2', 'participant-1')).toBe('network-2/participant-1');
  });
});

describe('projections in memory, in one pass', () => {
  type Greeted = ProjectedEvent<'Greeted', { personId: string; name?: string }>;
  type Event = Greeted | ProjectedEvent<'Renamed', { personId: string; name: string }>;
  const greeted = { version: 1, data: { personId: 'string', name: 'string?' } };
  const renamed = { version: 1, data: { personId: 'string', name: 'string' } };
  const greetings = collection<Greeted, number>()({
    name: 'greetings',
    columns: {},
    keys: (e) => [e.data.personId],
    evolve: (count) => (count ?? 0) + 1,
  });
  const names = collection<Event, string>()({
    name: 'names',
    columns: {},
    keys: (e) => (e.data.name === undefined ? [] : [e.data.personId]),
    evolve: (_, e) => e.data.name,
  });
  // Two projections share the Greeted schema: one handles it alone, the other beside Renamed.
  const counting = projection<Greeted>()({ name: 'counting', version: 1, events: { Greeted: greeted }, collections: [greetings] });
  const naming = projection<Event>()({ name: 'naming', version: 1, events: { Greeted: greeted, Renamed: renamed }, collections: [names] });

  let position = 0n;
  const stored = (type: string, data: Record<string, unknown>, version = 1): StoredEvent => ({
    id: `e${++position}`,
    streamId: `person-${String(data.personId)}`,
    version,
    type,
    data,
    position,
    recordedAt: new Date('2024-01-01T00:00:00Z'),
  });

  it('Given a log, Then each projection has the documents it gets when applied alone, and types nobody handles pass by', () => {
    const log = [
      stored('Greeted', { personId: 'a' }),
      stored('Greeted', { personId: 'b', name: 'Bea' }),
      stored('ParticipantRegistered', { personId: 'a' }),
      stored('Renamed', { personId: 'b', name: 'Bep' }),
      stored('Greeted', { personId: 'a', name: 'An' }),
    ];
    const together = new ProjectionsInMemory([counting, naming]);
    for (const event of log) together.apply(event);

    const alone = (definition: ProjectionDefinition): DocumentTables =>
      applyEvents(
        definition,
        {},
        log.filter((event) => event.type in definition.events),
      );
    expect(together.tables.get(counting)).toEqual(alone(counting));
    expect(together.tables.get(naming)).toEqual(alone(naming));
    expect(together.tables.get(counting)!.greetings).toEqual(
      new Map([
        ['a', 2],
        ['b', 1],
      ]),
    );
    expect(together.tables.get(naming)!.names).toEqual(
      new Map([
        ['b', 'Bep'],
        ['a', 'An'],
      ]),
    );
  });

  it('When an event does not fit its schema, Then it is named and applied nowhere', () => {
    const together = new ProjectionsInMemory([counting, naming]);
    together.apply(stored('Greeted', { personId: 'a' }));
    const misfit = stored('Renamed', { personId: 'a', name: 7 });
    expect(() => together.apply(misfit)).toThrow(MalformedEventError);
    expect(() => together.apply(misfit)).toThrow(
      `position ${misfit.position} in stream person-a (Renamed) is malformed: name is not a string`,
    );
    expect(() => together.apply(stored('Greeted', { personId: 'a' }, 2))).toThrow('version 2 of Greeted is not 1');
    expect(together.tables.get(counting)!.greetings).toEqual(new Map([['a', 1]]));
    expect(together.tables.get(naming)!.names).toEqual(new Map());
  });
});

describe('the keys a batch touches', () => {
  type Met = ProjectedEvent<'Met', { people: string[] }>;
  let asked = 0;
  const meetings = collection<Met, number>()({
    name: 'meetings',
    columns: {},
    keys: (e) => {
      asked++;
      return e.data.people;
    },
    evolve: (count) => (count ?? 0) + 1,
  });
  const meeting = projection<Met>()({
    name: 'meeting',
    version: 1,
    events: { Met: { version: 1, data: { people: 'strings' } } },
    collections: [meetings],
  });
  const met = (position: bigint, type: string, people: string[]): Met =>
    ({ id: `e${position}`, type, data: { people }, position, recordedAt: new Date('2024-01-01T00:00:00Z') }) as Met;

  it('are worked out once per event: applying the batch with them gives the documents it gives without them', () => {
    const batch = [met(1n, 'Met', ['a', 'b']), met(2n, 'Other', ['c']), met(3n, 'Met', ['b'])];
    asked = 0;
    const touched = keysTouched(meeting, batch);
    expect(touched.all).toEqual({ meetings: new Set(['a', 'b']) });
    expect(touched.byEvent).toEqual({ meetings: [['a', 'b'], [], ['b']] });
    const tables = applyEvents(meeting, {}, batch, touched);
    expect(asked).toBe(2);
    expect(tables).toEqual(applyEvents(meeting, {}, batch));
    expect(tables.meetings).toEqual(
      new Map([
        ['a', 1],
        ['b', 2],
      ]),
    );
  });
});
