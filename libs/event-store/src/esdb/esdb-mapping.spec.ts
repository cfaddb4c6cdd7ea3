import { WrongExpectedRevisionError } from '../event-store';
import {
  backoffMs,
  chainLink,
  derivedEventId,
  esdbHostsOf,
  eventTypesRegex,
  fromEsdbMetadata,
  isKringEvent,
  isTransient,
  keyStreamOf,
  OFFSET_BITS,
  packPosition,
  toEsdbMetadata,
  toRecordedEvent,
  unpackPosition,
  UnsupportedPositionError,
  wrongExpectedRevision,
} from './esdb-mapping';

describe('EventStoreDB mapping', () => {
  describe('positions', () => {
    it('packs (commit, prepare) so that the order of $all is the order of the bigints, and unpacks them again', () => {
      // Two appends: the first of three events (one transaction), then one of a single event.
      const positions = [
        { commit: 1000n, prepare: 1000n },
        { commit: 1000n, prepare: 1180n },
        { commit: 1000n, prepare: 1377n },
        { commit: 1550n, prepare: 1550n },
      ];
      const packed = positions.map(packPosition);
      expect([...packed].sort((a, b) => (a < b ? -1 : 1))).toEqual(packed);
      expect(new Set(packed).size).toBe(4);
      expect(packed.map(unpackPosition)).toEqual(positions);
      expect(packPosition({ commit: 0n, prepare: 0n })).toBe(0n);
    });

    it('keeps packed positions within PostgreSQL bigint for a transaction file of up to 2^39 bytes', () => {
      const largest = packPosition({ commit: (1n << (63n - OFFSET_BITS)) - 1n, prepare: (1n << (63n - OFFSET_BITS)) - 1n + 5n });
      expect(largest).toBeLessThan(2n ** 63n);
      expect(() => packPosition({ commit: 1n << (63n - OFFSET_BITS), prepare: 1n << (63n - OFFSET_BITS) })).toThrow(
        UnsupportedPositionError,
      );
    });

    it('refuses what it cannot pack instead of producing a position out of order', () => {
      expect(() => packPosition({ commit: 2000n, prepare: 1000n })).toThrow(/explicit transactions/);
      expect(() => packPosition({ commit: 0n, prepare: 1n << OFFSET_BITS })).toThrow(/larger than/);
      expect(() => unpackPosition(-1n)).toThrow(UnsupportedPositionError);
    });
  });

  describe('recorded events', () => {
    const stored = {
      streamId: 'network-1',
      id: '0b0c6a5e-7b0c-4a1e-9c55-4c1d1a3c9f10',
      revision: 4n,
      type: 'MeetingHeld',
      created: new Date('2026-11-23T10:00:00.123Z'),
      data: { date: '2026-11-20' },
      metadata: toEsdbMetadata({ correlationId: 'c-1', causationId: 'k-1', actorId: 'coach-1' }, 3),
      position: { commit: 4096n, prepare: 4200n },
    };

    it("keeps Kring's metadata, adds EventStoreDB's names for correlation and causation, and the schema version", () => {
      expect(stored.metadata).toEqual({
        correlationId: 'c-1',
        causationId: 'k-1',
        actorId: 'coach-1',
        $kringVersion: 3,
        $correlationId: 'c-1',
        $causationId: 'k-1',
      });
      expect(fromEsdbMetadata(stored.metadata)).toEqual({
        metadata: { correlationId: 'c-1', causationId: 'k-1', actorId: 'coach-1' },
        version: 3,
      });
      expect(fromEsdbMetadata(undefined)).toEqual({ metadata: {}, version: 1 });
    });

    it('maps every field, with the packed position', () => {
      expect(toRecordedEvent(stored)).toEqual({
        id: stored.id,
        streamId: 'network-1',
        type: 'MeetingHeld',
        version: 3,
        data: { date: '2026-11-20' },
        metadata: { correlationId: 'c-1', causationId: 'k-1', actorId: 'coach-1' },
        recordedAt: new Date('2026-11-23T10:00:00.123Z'),
        streamRevision: 4n,
        position: packPosition({ commit: 4096n, prepare: 4200n }),
      });
    });

    it('names what an older server lacks, and refuses binary events', () => {
      expect(() => toRecordedEvent({ ...stored, position: undefined })).toThrow(/22\.10/);
      expect(() => toRecordedEvent({ ...stored, data: new Uint8Array([1]) })).toThrow(/JSON object/);
    });

    it("hides EventStoreDB's own events and the adapter's bookkeeping", () => {
      expect(isKringEvent({ type: 'MeetingHeld', streamId: 'network-1' })).toBe(true);
      expect(isKringEvent({ type: '$metadata', streamId: '$$network-1' })).toBe(false);
      expect(isKringEvent({ type: '$kring-idempotency-claimed', streamId: keyStreamOf('k') })).toBe(false);
      expect(isKringEvent({ type: 'Anything', streamId: '$stats-127.0.0.1:2113' })).toBe(false);
    });
  });

  describe('errors and filters', () => {
    it('turns a wrong expected version into the typed conflict, with the actual revision or no_stream', () => {
      const conflict = wrongExpectedRevision('s', 0n, 3n);
      expect(conflict).toBeInstanceOf(WrongExpectedRevisionError);
      expect(conflict).toMatchObject({ streamId: 's', expected: 0n, actual: 3n });
      expect(wrongExpectedRevision('s', 'stream_exists', 'no_stream')).toMatchObject({ actual: 'no_stream' });
      expect(wrongExpectedRevision('s', 'stream_exists', undefined)).toMatchObject({ actual: 'no_stream' });
    });

    it('filters on exact event types on the server, escaping what a regex would read otherwise', () => {
      const regex = new RegExp(eventTypesRegex(['MeetingHeld', 'a.b']));
      expect(regex.test('MeetingHeld')).toBe(true);
      expect(regex.test('MeetingHeldAgain')).toBe(false);
      expect(regex.test('a.b')).toBe(true);
      expect(regex.test('axb')).toBe(false);
      const all = new RegExp(eventTypesRegex(undefined));
      expect(all.test('MeetingHeld')).toBe(true);
      expect(all.test('$metadata')).toBe(false);
    });
  });

  it('reads the hosts of a connection string, a cluster too, without credentials', () => {
    expect(esdbHostsOf('esdb://127.0.0.1:2113?tls=false')).toBe('127.0.0.1:2113');
    expect(esdbHostsOf('esdb://admin:changeit@esdb-1:2113,esdb-2:2113,esdb-3:2113?tls=false')).toBe('esdb-1:2113,esdb-2:2113,esdb-3:2113');
    expect(esdbHostsOf('esdb+discover://cluster.example:2113')).toBe('cluster.example:2113');
    expect(esdbHostsOf('postgres://db:5432/kring')).toBeUndefined();
    expect(esdbHostsOf('esdb://')).toBeUndefined();
  });

  it('derives the same UUID for the same claim and index, another for another', () => {
    const id = derivedEventId('claim-1', 0);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(derivedEventId('claim-1', 0)).toBe(id);
    expect(derivedEventId('claim-1', 1)).not.toBe(id);
    expect(derivedEventId('claim-2', 0)).not.toBe(id);
  });

  it('chains links: each depends on the one before and on every field of the event', () => {
    const event = toRecordedEvent({
      streamId: 's',
      id: '0b0c6a5e-7b0c-4a1e-9c55-4c1d1a3c9f10',
      revision: 0n,
      type: 'A',
      created: new Date(0),
      data: { n: 1 },
      metadata: {},
      position: { commit: 1n, prepare: 1n },
    });
    const link = chainLink('0'.repeat(64), event);
    expect(link).toMatch(/^[0-9a-f]{64}$/);
    expect(chainLink('0'.repeat(64), event)).toBe(link);
    expect(chainLink('1'.repeat(64), event)).not.toBe(link);
    expect(chainLink('0'.repeat(64), { ...event, data: { n: 2 } })).not.toBe(link);
  });

  it("resubscribes after the client's connection errors, not after a refusal", () => {
    expect(['unavailable', 'not-leader', 'deadline-exceeded'].every((type) => isTransient({ type }))).toBe(true);
    expect(isTransient({ type: 'access-denied' })).toBe(false);
    expect(isTransient(new TypeError('bug'))).toBe(false);
  });

  it('backs off from 100 ms, doubling, to at most 5 s', () => {
    expect([0, 1, 2, 3, 10].map(backoffMs)).toEqual([100, 200, 400, 800, 5000]);
  });
});
