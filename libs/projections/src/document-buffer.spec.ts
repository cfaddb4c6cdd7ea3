import { networksProjection, type NetworkDoc, type ProjectedEvent, type ProjectionDefinition } from '@kring/domain';
import type { SqlSession } from '@kring/event-store';
import { DocumentBuffer } from './document-buffer';
import { COPY_FROM_ROWS, type DocumentRows, type DocumentWrites } from './document-tables';

const event = (position: bigint, type: string, data: Record<string, unknown>): ProjectedEvent => ({
  id: `e${position}`,
  type,
  data,
  position,
  recordedAt: new Date('2024-01-01T00:00:00Z'),
});

/** A meeting of network n, at `position` in the log. */
const meeting = (position: number, meetingId = `m${position}`): ProjectedEvent =>
  event(BigInt(position), 'MeetingHeld', {
    networkId: 'n',
    meetingId,
    sequence: position,
    heldOn: '2024-01-08',
    activity: 'wandelen',
    attended: [],
    absent: [],
  });

/** A generation built from the empty start reads nothing back: any query would be a mistake here. */
const noSession = {
  query: () => Promise.reject(new Error('no read expected')),
  exec: () => Promise.reject(new Error('no read expected')),
} as unknown as SqlSession;

/** The rows of a small write: one upsert's JSON. */
function jsonOf({ upserts }: DocumentRows): string {
  if (upserts === null || !('json' in upserts)) throw new Error(`expected a small write, got ${JSON.stringify(upserts)}`);
  return upserts.json;
}

describe('DocumentBuffer', () => {
  it('takes rows as they were at the take, although evolve goes on changing the documents in place while the commit runs', async () => {
    const buffer = new DocumentBuffer(networksProjection as ProjectionDefinition<ProjectedEvent>, 'kring_test', true);
    buffer.indexed();
    await buffer.apply(noSession, [
      event(1n, 'NetworkStarted', {
        networkId: 'n',
        name: 'Kring',
        method: 'PEER_NETWORK',
        municipality: 'Baarn',
        purpose: 'eenzaamheid',
        funding: 'SUBSIDIE',
        cadenceWeeks: 1,
        startedOn: '2024-01-01',
      }),
      meeting(2),
    ]);
    const { rows } = buffer.take();
    await buffer.apply(noSession, [meeting(3)]);

    const [taken] = JSON.parse(jsonOf(rows.networks)) as Array<{ key: string; doc: NetworkDoc }>;
    expect(taken).toMatchObject({ key: 'n', doc: { meetingsHeld: 1 } });
    const next = JSON.parse(jsonOf(buffer.take().rows.networks)) as Array<{ doc: NetworkDoc }>;
    expect(next[0].doc.meetingsHeld).toBe(2);
  });
});

describe('DocumentBuffer, the events it hands on', () => {
  it('counts every event applied since the last take, but hands on only those applied to be heard', async () => {
    const buffer = new DocumentBuffer(networksProjection as ProjectionDefinition<ProjectedEvent>, 'kring_test', true);
    await buffer.apply(noSession, [meeting(1), meeting(2)]);
    expect(buffer.uncommitted).toBe(2);
    expect(buffer.take()).toMatchObject({ applied: 2, events: [] });

    await buffer.apply(noSession, [meeting(3)]);
    await buffer.apply(noSession, [meeting(4), meeting(5)], true);
    const { applied, events } = buffer.take();
    expect(applied).toBe(3);
    expect(events.map((e) => e.position)).toEqual([4n, 5n]);
    expect(buffer.uncommitted).toBe(0);
  });
});

describe('DocumentBuffer, over its capacity', () => {
  const meetings = (from: number, count: number) => Array.from({ length: count }, (_, i) => meeting(from + i));

  it('evicts only documents already written: those changed since the last take stay for the next', async () => {
    const buffer = new DocumentBuffer(networksProjection as ProjectionDefinition<ProjectedEvent>, 'kring_test', true, 4);
    buffer.indexed();
    await buffer.apply(noSession, meetings(1, 3));
    buffer.take();
    // Applied while the first commit runs; trimmed once it is done, before the second take.
    await buffer.apply(noSession, meetings(4, 6));
    buffer.trim();
    const { rows } = buffer.take();
    expect(rows.meetings.deletes).toEqual([]);
    expect((JSON.parse(jsonOf(rows.meetings)) as Array<{ key: string }>).map((row) => row.key)).toEqual([
      'm4',
      'm5',
      'm6',
      'm7',
      'm8',
      'm9',
    ]);
  });
});

describe('DocumentBuffer, which documents it lets go of', () => {
  it('over its capacity, lets go of the least recently touched first, whenever they came into memory', async () => {
    const buffer = new DocumentBuffer(networksProjection as ProjectionDefinition<ProjectedEvent>, 'kring_test', true, 4);
    buffer.indexed();
    await buffer.apply(noSession, [meeting(1, 'a'), meeting(2, 'b'), meeting(3, 'c')]);
    buffer.take();
    buffer.trim();
    // Three new, then 'a' again: six documents, two over the capacity of four; it shrinks to half of it.
    await buffer.apply(noSession, [meeting(4, 'd'), meeting(5, 'e'), meeting(6, 'f')]);
    await buffer.apply(noSession, [meeting(7, 'a')]);
    buffer.take();
    buffer.trim();

    const loads: string[][] = [];
    const session = {
      query: (_: string, [keys]: [string[]]) => {
        loads.push(keys);
        return Promise.resolve([]);
      },
      exec: () => Promise.resolve(),
    } as unknown as SqlSession;
    for (const [position, id] of ['a', 'b', 'c', 'd', 'e', 'f'].entries()) await buffer.apply(session, [meeting(10 + position, id)]);
    expect(loads).toEqual([['b'], ['c'], ['d'], ['e']]);
  });
});

describe('DocumentBuffer, large writes', () => {
  const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => `m${from + i}`);
  /** The keys a COPY write deletes before it loads its rows. */
  function replacedBy({ upserts }: DocumentRows): string[] {
    if (upserts === null || !('copy' in upserts)) throw new Error(`expected a large write, got ${JSON.stringify(upserts)}`);
    return upserts.keys;
  }

  it('built from the empty start, deletes nothing before loading documents that were never written', async () => {
    const buffer = new DocumentBuffer(networksProjection as ProjectionDefinition<ProjectedEvent>, 'kring_test', true);
    await buffer.apply(
      noSession,
      ids(1, COPY_FROM_ROWS).map((id, i) => meeting(i + 1, id)),
    );
    expect(replacedBy(buffer.take().rows.meetings)).toEqual([]);
    // Half of these were written by the first take: their rows are replaced.
    await buffer.apply(
      noSession,
      ids(COPY_FROM_ROWS / 2 + 1, COPY_FROM_ROWS).map((id, i) => meeting(COPY_FROM_ROWS + i + 1, id)),
    );
    expect(replacedBy(buffer.take().rows.meetings)).toEqual(ids(COPY_FROM_ROWS / 2 + 1, COPY_FROM_ROWS / 2));
  });

  it('catching up on tables it did not build, replaces every document it writes', async () => {
    const loaded = { query: () => Promise.resolve([]), exec: () => Promise.resolve() } as unknown as SqlSession;
    const buffer = new DocumentBuffer(networksProjection as ProjectionDefinition<ProjectedEvent>, 'kring_test', false);
    await buffer.apply(
      loaded,
      ids(1, COPY_FROM_ROWS).map((id, i) => meeting(i + 1, id)),
    );
    expect(replacedBy(buffer.take().rows.meetings)).toEqual(ids(1, COPY_FROM_ROWS));
  });
});

describe('DocumentBuffer, the key indexes of tables being built', () => {
  const KEY_INDEX = 'CREATE UNIQUE INDEX IF NOT EXISTS meetings_pkey ON kring_test.meetings (key)';
  /** The key index DDL among the writes: statements without a parameter. */
  const keyIndexesOf = ({ statements }: DocumentWrites) => statements.filter(({ json }) => json === null).map(({ sql }) => sql);
  /** A session that answers every read with no rows and records each statement. */
  const recording = () => {
    const statements: string[] = [];
    const session = {
      query: (text: string) => {
        statements.push(text);
        return Promise.resolve([]);
      },
      exec: (script: string) => {
        statements.push(script);
        return Promise.resolve();
      },
    } as unknown as SqlSession;
    return { session, statements };
  };

  it('built from the empty start, adds rows without a key index, and asks for it once, with the first write that replaces rows', async () => {
    const buffer = new DocumentBuffer(networksProjection as ProjectionDefinition<ProjectedEvent>, 'kring_test', true);
    await buffer.apply(noSession, [meeting(1, 'a'), meeting(2, 'b')]);
    const first = buffer.take().rows;
    expect(first.meetings).toMatchObject({ upserts: { keys: [] }, keyIndex: false });
    expect(keyIndexesOf(buffer.writesOf(first))).toEqual([]);
    // Its commit done (as a lane does it).
    buffer.trim();

    await buffer.apply(noSession, [meeting(3, 'b'), meeting(4, 'c')]);
    const second = buffer.take().rows;
    expect(second.meetings).toMatchObject({ upserts: { keys: ['b'] }, keyIndex: true });
    expect(keyIndexesOf(buffer.writesOf(second))).toEqual([KEY_INDEX]);
    // Made first, in the same commit: the delete of the rows it replaces looks its keys up.
    expect(buffer.writesOf(second).statements.map(({ sql }) => sql.split(' ')[0])).toEqual(['CREATE', 'DELETE']);
    buffer.trim();

    await buffer.apply(noSession, [meeting(5, 'c')]);
    const third = buffer.take().rows;
    expect(third.meetings).toMatchObject({ upserts: { json: expect.any(String) }, keyIndex: false });
    expect(keyIndexesOf(buffer.writesOf(third))).toEqual([]);
  });

  it('catching up on tables it did not build, makes sure of the key index before it first loads documents there', async () => {
    const { session, statements } = recording();
    const buffer = new DocumentBuffer(networksProjection as ProjectionDefinition<ProjectedEvent>, 'kring_test', false);
    await buffer.apply(session, [meeting(1, 'a')]);
    await buffer.apply(session, [meeting(2, 'b')]);
    const meetingStatements = statements.filter((text) => text.includes('kring_test.meetings'));
    expect(meetingStatements).toEqual([
      KEY_INDEX,
      expect.stringMatching(/^SELECT key, doc FROM kring_test.meetings /),
      expect.stringMatching(/^SELECT/),
    ]);
  });

  it('once the switch indexed its tables, upserts small writes and asks for no index', async () => {
    const buffer = new DocumentBuffer(networksProjection as ProjectionDefinition<ProjectedEvent>, 'kring_test', true);
    buffer.indexed();
    await buffer.apply(noSession, [meeting(1, 'a')]);
    const { rows } = buffer.take();
    expect(rows.meetings).toMatchObject({ upserts: { json: expect.any(String) }, keyIndex: false });
    expect(keyIndexesOf(buffer.writesOf(rows))).toEqual([]);
  });
});
