/**
 * The port: everything in Kring that reads or writes the event log goes through this interface.
 *
 * It is shaped after EventStoreDB's model so that an ESDB adapter fits without changes:
 * - a stream revision is 0-based (the first event of a stream has revision 0n);
 * - a global position is a totally ordered bigint, unique per event (ESDB: the prepare position in
 *   `$all`, unique per event, where events of one append share a commit position);
 * - expected revision is 'any', 'no_stream', 'stream_exists' or the exact revision of the last event.
 * Revisions and positions are always `bigint`, whatever the driver returns.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Who did what, and why this event exists: carried on every event, never part of its data. */
export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  commandId?: string;
  actorId?: string;
  actorRoles?: string[];
  [key: string]: JsonValue | undefined;
}

export interface NewEvent<Data extends JsonObject = JsonObject> {
  /** Unique within its stream; appending an id that is already stored is an idempotent no-op. */
  id?: string;
  type: string;
  /** Schema version of `data`, starting at 1; older versions are upcast on read. */
  version?: number;
  data: Data;
  metadata?: EventMetadata;
}

export interface RecordedEvent<Data extends JsonObject = JsonObject> {
  id: string;
  streamId: string;
  type: string;
  version: number;
  data: Data;
  metadata: EventMetadata;
  /** The store's clock at append time, millisecond precision, never decreasing along the log. */
  recordedAt: Date;
  streamRevision: bigint;
  position: bigint;
}

export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export interface AppendResult {
  /** Revision of the last event now in the stream: pass it as expectedRevision next time. */
  nextExpectedRevision: bigint;
  /** Global position of the last event of this append. */
  position: bigint;
  /** True when every event id was already stored: nothing was written, the original result is returned. */
  duplicate: boolean;
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive; default: the start (forwards) or the end (backwards) of the stream. */
  fromRevision?: bigint;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events after this position. Default 0n, the beginning of the log. */
  after?: bigint;
  /** Only these event types (upcasters never rename a type, so stored and read types agree). */
  eventTypes?: readonly string[];
  /** Rows fetched per round trip; the log is never loaded whole. */
  batchSize?: number;
  /** Stop after this many events. */
  maxCount?: number;
}

export interface SubscribeOptions extends Omit<ReadAllOptions, 'maxCount'> {
  /** Re-check the log this often even without a notification (a safety net for lost notifications). */
  idlePollMs?: number;
}

/** Catches up from `after`, then follows the live log. Iterate it; `close()` ends the iteration. */
export interface LogSubscription extends AsyncIterable<RecordedEvent> {
  /** True while it has handed over every event in the log it read, and waits for the next append (EventStoreDB: caught up). */
  readonly caughtUp: boolean;
  close(): Promise<void>;
}

/** A position in the hash chain: what to keep elsewhere (anchor) to prove later that the log up to it is unchanged. */
export interface ChainLink {
  position: bigint;
  /** SHA-256 of the chain up to and including this position, lowercase hex. */
  hash: string;
}

export interface IntegrityReport {
  /** Events whose hash was checked, from the first to the head. */
  checked: number;
  head: ChainLink;
  /** The first place the chain breaks, and what is wrong there; absent when every link holds. */
  broken?: { position: bigint; problem: string };
}

export interface VerifyOptions {
  /** A link kept elsewhere earlier: the log must still hold exactly that hash at that position. */
  anchor?: ChainLink;
  /** Called as the check moves along the log: long logs take a while. */
  onProgress?: (checkedUpTo: bigint, head: bigint) => void;
}

/**
 * A client's idempotency key for one append: the key (unique across the whole log while it is
 * remembered) and a fingerprint of the request it was used for.
 */
export interface IdempotencyKey {
  key: string;
  fingerprint: string;
}

/** What a remembered key was used for, and what that append answered. */
export interface RememberedKey {
  fingerprint: string;
  streamId: string;
  nextExpectedRevision: bigint;
  position: bigint;
}

export interface AppendOptions {
  expectedRevision?: ExpectedRevision;
  /**
   * Checked and stored in the same transaction as the events: the same key with the same fingerprint
   * on the same stream writes nothing and returns the first result (duplicate); with anything else it
   * throws IdempotencyKeyReusedError and writes nothing.
   */
  idempotencyKey?: IdempotencyKey;
}

export interface EventStore {
  /** Which adapter this is, for logs and test names: 'pglite', 'postgres', 'eventstoredb'. */
  readonly adapter: string;

  /** Appends all events atomically, or none. Throws WrongExpectedRevisionError on a revision mismatch. */
  appendToStream(streamId: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;

  /** The append an idempotency key was used for, while it is remembered. */
  findIdempotencyKey(key: string): Promise<RememberedKey | undefined>;

  /** Forgets the keys recorded before `before` (the retention of keys); resolves to how many. */
  forgetIdempotencyKeys(before: Date): Promise<number>;

  readStream(streamId: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>;

  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;

  subscribeToAll(options?: SubscribeOptions): LogSubscription;

  /** Position of the last event in the log (0n when empty). */
  headPosition(): Promise<bigint>;

  /**
   * Resolves with the head once the log is past `position`, or with the head as it is when
   * `timeoutMs` runs out: a follower's way to sleep until there is something to read.
   */
  waitForHead(position: bigint, timeoutMs: number): Promise<bigint>;

  /** Position of the last event recorded at or before `instant` (0n if none): "the log as it stood then". */
  positionAt(instant: Date): Promise<bigint>;

  /**
   * Every stored event is chained to the one before it by a hash: this recomputes the chain and names the
   * first event that was changed, removed or moved since it was appended (tamper evidence).
   */
  verifyIntegrity(options?: VerifyOptions): Promise<IntegrityReport>;

  /** The head of the hash chain, to keep elsewhere (anchoring) and verify against later. */
  chainHead(): Promise<ChainLink>;

  close(): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  readonly code = 'WRONG_EXPECTED_REVISION';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's last revision, or 'no_stream'. */
    readonly actual: bigint | 'no_stream',
  ) {
    super(`Stream ${streamId}: expected revision ${String(expected)}, but it is at ${String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** The idempotency key was used for another request (another fingerprint or stream): nothing was written. */
export class IdempotencyKeyReusedError extends Error {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor(readonly key: string) {
    super(`idempotency key ${key} was used for another request`);
    this.name = 'IdempotencyKeyReusedError';
  }
}

/** Some, but not all, of the appended event ids are already in the stream: not a clean retry. */
export class EventIdConflictError extends Error {
  readonly code = 'EVENT_ID_CONFLICT';
  constructor(readonly streamId: string) {
    super(`Stream ${streamId}: the append repeats some already stored event ids but not all of them`);
    this.name = 'EventIdConflictError';
  }
}

export class InvalidAppendError extends Error {
  readonly code = 'INVALID_APPEND';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAppendError';
  }
}
