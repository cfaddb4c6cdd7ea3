import { randomUUID } from 'node:crypto';
import { AppendOptions, EventMetadata, ExpectedRevision, IdempotencyKey, InvalidAppendError, JsonObject, NewEvent } from './event-store';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An event as every adapter stores it: id, version and metadata filled in. */
export interface StoredEventPayload {
  id: string;
  type: string;
  version: number;
  data: JsonObject;
  metadata: EventMetadata;
}

/** An append as every adapter takes it, checked: its events, its expected revision ('any' unless given) and its key. */
export interface ValidAppend {
  payload: StoredEventPayload[];
  expected: ExpectedRevision;
  key?: IdempotencyKey;
}

/** Refuses a malformed append before anything reaches the database. */
export function validateAppend(streamId: string, events: readonly NewEvent[], options: AppendOptions): ValidAppend {
  const expected = options.expectedRevision ?? 'any';
  const key = options.idempotencyKey;
  if (key && (!key.key || !key.fingerprint)) throw new InvalidAppendError('an idempotency key needs a key and a fingerprint');
  return { payload: validEvents(streamId, events, expected), expected, key };
}

function validEvents(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): StoredEventPayload[] {
  if (typeof streamId !== 'string' || streamId.trim() === '') throw new InvalidAppendError('streamId must be a non-empty string');
  if (typeof expected === 'bigint' ? expected < 0n : !['any', 'no_stream', 'stream_exists'].includes(expected)) {
    throw new InvalidAppendError(
      `expectedRevision must be 'any', 'no_stream', 'stream_exists' or a revision >= 0, not ${String(expected)}`,
    );
  }
  if (events.length === 0) throw new InvalidAppendError('an append needs at least one event');
  const ids = new Set<string>();
  return events.map((event, index) => {
    const id = (event.id ?? randomUUID()).toLowerCase();
    if (!UUID.test(id)) throw new InvalidAppendError(`event ${index}: id must be a UUID, not ${event.id}`);
    if (ids.has(id)) throw new InvalidAppendError(`event ${index}: id ${id} appears twice in one append`);
    ids.add(id);
    if (typeof event.type !== 'string' || event.type.trim() === '')
      throw new InvalidAppendError(`event ${index}: type must be a non-empty string`);
    const version = event.version ?? 1;
    if (!Number.isInteger(version) || version < 1) throw new InvalidAppendError(`event ${index}: version must be an integer >= 1`);
    if (typeof event.data !== 'object' || event.data === null || Array.isArray(event.data)) {
      throw new InvalidAppendError(`event ${index}: data must be a JSON object`);
    }
    return { id, type: event.type, version, data: event.data, metadata: event.metadata ?? {} };
  });
}
