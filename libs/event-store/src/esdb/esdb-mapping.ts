/**
 * The pure half of the EventStoreDB adapter: how Kring's revisions, positions, metadata and errors map
 * onto EventStoreDB's, with no client or server involved (unit-tested on their own).
 */
import { createHash } from 'node:crypto';
import type { EventMetadata, ExpectedRevision, JsonObject, RecordedEvent } from '../event-store';
import { WrongExpectedRevisionError } from '../event-store';

/**
 * The hosts of an EventStoreDB connection string (`esdb://` or `esdb+discover://`, a cluster listing
 * several: `esdb://a:2113,b:2113?tls=false`), which is no WHATWG URL; undefined when it is not one.
 * Credentials are left out: the answer goes into logs.
 */
export function esdbHostsOf(connectionString: string): string | undefined {
  return /^esdb(?:\+discover)?:\/\/(?:[^@/?]*@)?([^/?@]+)(?:[/?].*)?$/i.exec(connectionString.trim())?.[1];
}

/** An EventStoreDB position in the transaction file: the transaction's commit position and the event's own prepare position. */
export interface EsdbPosition {
  commit: bigint;
  prepare: bigint;
}

/**
 * Kring's Position is one bigint; EventStoreDB orders `$all` by (commit, prepare). All events of one
 * append share the commit position of their transaction (the position of its first event) and each
 * has its own prepare position, at most the largest append size past the commit. Packing the commit
 * above OFFSET_BITS and the offset of the prepare below keeps the order, stays unique per event, and
 * can be unpacked again to resume a read exactly after any event, even in the middle of an append.
 */
export const OFFSET_BITS = 24n;
const OFFSET_LIMIT = 1n << OFFSET_BITS;
/** Positions are stored in PostgreSQL bigint columns (checkpoints): the packed value must stay below 2^63. */
const COMMIT_LIMIT = 1n << (63n - OFFSET_BITS);

export class UnsupportedPositionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedPositionError';
  }
}

export function packPosition({ commit, prepare }: EsdbPosition): bigint {
  const offset = prepare - commit;
  if (offset < 0n)
    throw new UnsupportedPositionError(
      `an event at prepare position ${prepare} before its commit position ${commit}: explicit transactions (the legacy TCP API) are not supported`,
    );
  if (offset >= OFFSET_LIMIT)
    throw new UnsupportedPositionError(`an append larger than ${OFFSET_LIMIT} bytes (commit ${commit}, prepare ${prepare})`);
  if (commit >= COMMIT_LIMIT) throw new UnsupportedPositionError(`a transaction file past ${COMMIT_LIMIT} bytes (commit ${commit})`);
  return (commit << OFFSET_BITS) | offset;
}

export function unpackPosition(position: bigint): EsdbPosition {
  if (position < 0n) throw new UnsupportedPositionError(`position ${position} is negative`);
  const commit = position >> OFFSET_BITS;
  return { commit, prepare: commit + (position & (OFFSET_LIMIT - 1n)) };
}

/** EventStoreDB's "wrong expected version" as Kring's typed conflict. */
export function wrongExpectedRevision(
  streamId: string,
  expected: ExpectedRevision,
  actual: bigint | string | undefined,
): WrongExpectedRevisionError {
  return new WrongExpectedRevisionError(streamId, expected, typeof actual === 'bigint' ? actual : 'no_stream');
}

/**
 * What Kring keeps beside an event's data, in EventStoreDB's metadata: our own metadata, the schema
 * version, and EventStoreDB's own names for correlation and causation (its tools and projections read them).
 */
const VERSION_KEY = '$kringVersion';
const ESDB_KEYS = { correlationId: '$correlationId', causationId: '$causationId' } as const;

export function toEsdbMetadata(metadata: EventMetadata, version: number): JsonObject {
  const stored: JsonObject = {};
  for (const [key, value] of Object.entries(metadata)) if (value !== undefined) stored[key] = value;
  stored[VERSION_KEY] = version;
  for (const [ours, theirs] of Object.entries(ESDB_KEYS)) {
    const value = metadata[ours];
    if (typeof value === 'string') stored[theirs] = value;
  }
  return stored;
}

export function fromEsdbMetadata(stored: unknown): { metadata: EventMetadata; version: number } {
  const metadata: EventMetadata = {};
  let version = 1;
  if (stored && typeof stored === 'object' && !Array.isArray(stored) && !(stored instanceof Uint8Array)) {
    for (const [key, value] of Object.entries(stored as JsonObject)) {
      if (key === VERSION_KEY) version = typeof value === 'number' ? value : 1;
      else if (!Object.values<string>(ESDB_KEYS).includes(key)) metadata[key] = value;
    }
  }
  return { metadata, version };
}

/** The subset of the client's recorded event the mapping needs. */
export interface EsdbRecorded {
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  created: Date;
  data: unknown;
  metadata: unknown;
  position?: EsdbPosition;
}

/** Events Kring never hands out: EventStoreDB's own ($-types, $-streams) and the adapter's bookkeeping. */
export function isKringEvent(event: Pick<EsdbRecorded, 'type' | 'streamId'>): boolean {
  return !event.type.startsWith('$') && !event.streamId.startsWith('$');
}

export function toRecordedEvent(event: EsdbRecorded): RecordedEvent {
  if (!event.position)
    throw new UnsupportedPositionError(
      `EventStoreDB gave no position for ${event.streamId}@${event.revision}: stream reads carry positions from EventStoreDB 22.10 on; Kring needs that or later`,
    );
  if (!event.data || typeof event.data !== 'object' || Array.isArray(event.data) || event.data instanceof Uint8Array)
    throw new TypeError(`${event.streamId}@${event.revision} (${event.type}) is not a JSON object event`);
  const { metadata, version } = fromEsdbMetadata(event.metadata);
  return {
    id: event.id,
    streamId: event.streamId,
    type: event.type,
    version,
    data: event.data as JsonObject,
    metadata,
    // Kring promises millisecond precision: EventStoreDB keeps ticks.
    recordedAt: new Date(Math.floor(event.created.getTime())),
    streamRevision: event.revision,
    position: packPosition(event.position),
  };
}

/** A server-side filter on event types: exactly these types, none of EventStoreDB's own. */
export function eventTypesRegex(eventTypes: readonly string[] | undefined): string {
  if (!eventTypes) return '^[^$]';
  const alternatives = eventTypes.map((type) => type.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return `^(${alternatives.join('|')})$`;
}

/**
 * With an idempotency key, event ids are derived from the key's claim: a retry that lost its answer
 * (even after a crash between the append and the key's answer) appends the same ids again, which
 * the adapter recognises as already stored.
 */
export function derivedEventId(claimId: string, index: number): string {
  const hex = createHash('sha256').update(`${claimId}\u0000${index}`).digest('hex');
  // A version-5-shaped UUID: version nibble 5, variant bits 10.
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The stream that holds one idempotency key's claim, answer and forgetting. */
export function keyStreamOf(key: string): string {
  return `kring-idempotency-${createHash('sha256').update(key).digest('hex')}`;
}

/** One link of the hash chain over the log, computed on read (EventStoreDB stores no hash column). */
export function chainLink(previousHash: string, event: RecordedEvent): string {
  const digest = JSON.stringify([
    event.position.toString(),
    event.streamId,
    event.streamRevision.toString(),
    event.id,
    event.type,
    event.version,
    event.data,
    event.metadata,
    event.recordedAt.toISOString(),
  ]);
  return createHash('sha256').update(previousHash).update(digest).digest('hex');
}

/**
 * The client's errors worth resubscribing after: a dropped or refused connection, a follower where a
 * leader was needed, a deadline. Anything else (access denied, a bad request) ends the follow.
 */
export function isTransient(error: unknown): boolean {
  const type = (error as { type?: string } | undefined)?.type;
  return ['unavailable', 'not-leader', 'deadline-exceeded', 'cancelled', 'timeout', 'unknown'].includes(type ?? '');
}

/** Time to wait before the next attempt to resubscribe: doubling from 100 ms, at most 5 s. */
export function backoffMs(attempt: number): number {
  return Math.min(5000, 100 * 2 ** Math.max(0, attempt));
}
