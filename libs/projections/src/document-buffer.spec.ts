import { networksProjection, type NetworkDoc, type ProjectedEvent, type ProjectionDefinition } from '@kring/domain';
import type { SqlSession } from '@kring/event-store';
import { DocumentBuffer } from './document-buffer';
import type { DocumentRows } from './document-tables';

const event = (position: bigint, type: string, data: Record<string, unknown>): ProjectedEvent => ({
  id: `e${position}`,
  type,
  data,
  position,
  recordedAt: new Date('2024-01-01T00:00:00Z'),
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
    const meeting = (position: bigint, sequence: number) =>
      event(position, 'MeetingHeld', {
        networkId: 'n',
        meetingId: `m${sequence}`,
        sequence,
        heldOn: '2024-01-08',
        activity: 'wandelen',
        attended: [],
        absent: [],
      });
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
      meeting(2n, 1),
    ]);
    const { rows } = buffer.take();
    await buffer.apply(noSession, [meeting(3n, 2)]);

    const [taken] = JSON.parse(jsonOf(rows.networks)) as Array<{ key: string; doc: NetworkDoc }>;
    expect(taken).toMatchObject({ key: 'n', doc: { meetingsHeld: 1 } });
    const next = JSON.parse(jsonOf(buffer.take().rows.networks)) as Array<{ doc: NetworkDoc }>;
    expect(next[0].doc.meetingsHeld).toBe(2);
  });
});
