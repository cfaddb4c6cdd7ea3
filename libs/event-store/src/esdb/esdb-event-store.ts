import { randomUUID } from 'node:crypto';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  eventTypeFilter,
  FORWARDS,
  jsonEvent,
  MaxAppendSizeExceededError,
  START,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type Position,
} from '@eventstore/db-client';
import {
  AppendOptions,
  AppendResult,
  ChainLink,
  EventIdConflictError,
  EventStore,
  ExpectedRevision,
  IdempotencyKey,
  IdempotencyKeyReusedError,
  IntegrityReport,
  InvalidAppendError,
  LogSubscription,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  RememberedKey,
  SubscribeOptions,
  VerifyOptions,
} from '../event-store';
import { StoredEventPayload, validateAppend } from '../append-validation';
import { Upcasters } from '../upcasting';
import { followResuming, SubscriptionAttempt } from './resuming-follow';
import {
  chainLink,
  derivedEventId,
  esdbHostsOf,
  EsdbRecorded,
  eventTypesRegex,
  isKringEvent,
  isTransient,
  keyStreamOf,
  packPosition,
  toEsdbMetadata,
  toRecordedEvent,
  unpackPosition,
  wrongExpectedRevision,
} from './esdb-mapping';

const DEFAULT_BATCH = 1000;
const ZERO_HASH = '0'.repeat(64);
/** How long an append waits for another attempt with the same key to answer before finishing the claim itself. */
const CLAIM_WAIT_MS = 5000;
const KEY_CLAIMED = '$kring-idempotency-claimed';
const KEY_ANSWERED = '$kring-idempotency-answered';
const KEY_FORGOTTEN = '$kring-idempotency-forgotten';

interface KeyClaim {
  key: string;
  fingerprint: string;
  streamId: string;
  claimId: string;
}

interface KeyState {
  /** Revision of the key stream's last event, or undefined when it has none. */
  revision?: bigint;
  claim?: KeyClaim;
  answer?: { nextExpectedRevision: bigint; position: bigint };
}

/**
 * The port on EventStoreDB (KurrentDB), through its gRPC client. Streams, revisions and expected
 * revisions are EventStoreDB's own; Kring's Position packs the commit and prepare positions
 * (esdb-mapping.ts). What EventStoreDB does not have is built on streams of its own, hidden from
 * Kring's readers by `$`-types: idempotency keys live in one stream per key, and the hash chain is
 * computed on read from `$all` (EventStoreDB offers no way to change a stored event, so tampering
 * means rewriting its chunk files: the chain shows it against an anchor kept elsewhere).
 */
export class EventStoreDbEventStore implements EventStore {
  readonly adapter = 'eventstoredb';
  private closed = false;
  private readonly subscriptions = new Set<LogSubscription>();
  private readonly headWaiters = new Set<() => void>();
  private headWatch?: Promise<void>;

  private constructor(
    private readonly client: EventStoreDBClient,
    private readonly upcasters: Upcasters,
  ) {}

  /** Connects and reads once, so a wrong address or a server that is down fails here, clearly, not at the first command. */
  static async open(connectionString: string, upcasters = new Upcasters()): Promise<EventStoreDbEventStore> {
    const client = EventStoreDBClient.connectionString(connectionString);
    try {
      for await (const _ of client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) break;
    } catch (error) {
      await client.dispose();
      throw new Error(`EventStoreDB at ${esdbHostsOf(connectionString)} cannot be read: ${(error as Error).message}`);
    }
    return new EventStoreDbEventStore(client, upcasters);
  }

  async appendToStream(streamId: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const { payload, expected, key } = validateAppend(streamId, events, options);
    const result = key ? await this.appendWithKey(streamId, payload, expected, key) : await this.appendEvents(streamId, payload, expected);
    if (!result.duplicate) this.wakeHeadWaiters();
    return result;
  }

  async findIdempotencyKey(key: string): Promise<RememberedKey | undefined> {
    const { claim, answer } = await this.keyState(key);
    return claim && answer && { fingerprint: claim.fingerprint, streamId: claim.streamId, ...answer };
  }

  /**
   * Walks the claims with a server-side filtered read of `$all` (only claim events cross the wire) and
   * marks each key claimed before `before` as forgotten; a key claimed again since is left alone.
   */
  async forgetIdempotencyKeys(before: Date): Promise<number> {
    let forgotten = 0;
    const claims = this.filteredUntilHead(`^\\${KEY_CLAIMED}$`);
    for await (const event of claims) {
      if (event.created >= before) break;
      const claim = event.data as unknown as KeyClaim;
      const state = await this.keyState(claim.key);
      if (state.claim?.claimId !== claim.claimId) continue;
      try {
        await this.client.appendToStream(keyStreamOf(claim.key), jsonEvent({ type: KEY_FORGOTTEN, data: { claimId: claim.claimId } }), {
          expectedRevision: state.revision!,
        });
        forgotten++;
      } catch (error) {
        // Claimed or forgotten again meanwhile: that newer state stands.
        if (!(error instanceof WrongExpectedVersionError)) throw error;
      }
    }
    return forgotten;
  }

  /** In bounded batches, as `$all`. */
  async *readStream(streamId: string, options: ReadStreamOptions = {}): AsyncGenerator<RecordedEvent> {
    const backwards = options.direction === 'backwards';
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    let from: bigint | typeof START | typeof END = options.fromRevision ?? (backwards ? END : START);
    while (remaining > 0) {
      const limit = Math.min(remaining, DEFAULT_BATCH);
      let read = 0;
      let last: bigint | undefined;
      try {
        for await (const { event } of this.client.readStream(streamId, {
          direction: backwards ? BACKWARDS : FORWARDS,
          fromRevision: from,
          maxCount: limit,
        })) {
          read++;
          if (!event) continue;
          last = event.revision;
          yield this.toRecorded(event);
        }
      } catch (error) {
        if (error instanceof StreamNotFoundError || error instanceof StreamDeletedError) return;
        throw error;
      }
      if (read < limit || last === undefined || (backwards && last === 0n)) return;
      remaining -= read;
      from = backwards ? last - 1n : last + 1n;
    }
  }

  /** In bounded batches from `after`; EventStoreDB's own events and the adapter's are skipped, `eventTypes` filtered here. */
  async *readAll(options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
    const batchSize = options.batchSize ?? DEFAULT_BATCH;
    const types = options.eventTypes && new Set(options.eventTypes);
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    let after = options.after ?? 0n;
    let from: Position | typeof START = after === 0n ? START : unpackPosition(after);
    while (remaining > 0) {
      let read = 0;
      let last: Position | undefined;
      // One more than the batch: a read from a position may include the event there, already handed over.
      for await (const { event } of this.client.readAll({ direction: FORWARDS, fromPosition: from, maxCount: batchSize + 1 })) {
        read++;
        if (!event) continue;
        last = event.position;
        if (!isKringEvent(event) || (types && !types.has(event.type))) continue;
        const recorded = this.toRecorded(event);
        // Kring's `after` is exclusive: the event at that position, if the read starts there, was handed over.
        if (recorded.position <= after) continue;
        after = recorded.position;
        yield recorded;
        if (--remaining === 0) return;
      }
      if (read <= batchSize || !last) return;
      from = last;
    }
  }

  subscribeToAll(options: SubscribeOptions = {}): LogSubscription {
    const filter = eventTypeFilter({ regex: eventTypesRegex(options.eventTypes) });
    let stopped = false;
    let caughtUp = false;
    let current: SubscriptionAttempt | undefined;
    const open = (after: bigint): SubscriptionAttempt => {
      const subscription = this.client.subscribeToAll({ fromPosition: after === 0n ? START : unpackPosition(after), filter });
      subscription.on('caughtUp', () => (caughtUp = true)).on('fellBehind', () => (caughtUp = false));
      const store = this;
      return {
        async *[Symbol.asyncIterator]() {
          for await (const { event } of subscription) yield event && isKringEvent(event) ? store.toRecorded(event) : undefined;
        },
        unsubscribe: () => subscription.unsubscribe(),
      };
    };
    const iterator = followResuming(open, options.after ?? 0n, {
      stopped: () => stopped || this.closed,
      transient: isTransient,
      attempting: (attempt) => {
        current = attempt;
        caughtUp = false;
      },
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
    const subscription: LogSubscription = {
      [Symbol.asyncIterator]: () => iterator,
      get caughtUp() {
        return caughtUp;
      },
      close: async () => {
        stopped = true;
        this.subscriptions.delete(subscription);
        await current?.unsubscribe().catch(() => undefined);
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<bigint> {
    return (await this.lastKringEvent(() => true))?.position ?? 0n;
  }

  async waitForHead(position: bigint, timeoutMs: number): Promise<bigint> {
    const deadline = Date.now() + timeoutMs;
    this.watchHead();
    for (;;) {
      // Register before reading the head: an append landing in between still wakes us.
      let wake!: () => void;
      const woken = new Promise<void>((resolve) => (wake = resolve));
      this.headWaiters.add(wake);
      const head = await this.headPosition();
      const remaining = deadline - Date.now();
      if (head > position || remaining <= 0 || this.closed) {
        this.headWaiters.delete(wake);
        return head;
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([woken, new Promise<void>((resolve) => (timer = setTimeout(resolve, remaining)))]);
      clearTimeout(timer);
      this.headWaiters.delete(wake);
    }
  }

  /** Reads `$all` backwards from the end: the cost grows with the events recorded after `instant` (EventStoreDB has no time index). */
  async positionAt(instant: Date): Promise<bigint> {
    return (await this.lastKringEvent((event) => event.created.getTime() <= instant.getTime()))?.position ?? 0n;
  }

  async verifyIntegrity({ anchor, onProgress }: VerifyOptions = {}): Promise<IntegrityReport> {
    let hash = ZERO_HASH;
    let checked = 0;
    let anchored: string | undefined;
    let head: ChainLink = { position: 0n, hash };
    for await (const event of this.readAll()) {
      hash = chainLink(hash, event);
      head = { position: event.position, hash };
      if (anchor && event.position === anchor.position) anchored = hash;
      if (++checked % 10_000 === 0) onProgress?.(event.position, event.position);
    }
    onProgress?.(head.position, head.position);
    const report: IntegrityReport = { checked, head };
    if (anchor && anchored !== anchor.hash.toLowerCase()) {
      const problem =
        anchored === undefined
          ? `the anchored position ${anchor.position} is no longer in the log`
          : `the hash at position ${anchor.position} is not the anchored one: the log was rewritten up to there`;
      return { ...report, broken: { position: anchor.position, problem } };
    }
    return report;
  }

  async chainHead(): Promise<ChainLink> {
    return (await this.verifyIntegrity()).head;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wakeHeadWaiters();
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }

  /**
   * 'any' and 'stream_exists' become the exact revision found now, with a look for the events' ids in
   * the stream (a retry of a stored append). An exact revision looks only at the revisions after it,
   * as EventStoreDB's own idempotency does: a retry sends the revision it sent the first time.
   */
  private async appendEvents(streamId: string, payload: StoredEventPayload[], expected: ExpectedRevision): Promise<AppendResult> {
    const ids = payload.map((event) => event.id);
    for (;;) {
      let exact: bigint | 'no_stream';
      if (expected === 'any' || expected === 'stream_exists') {
        const { stored, last } = await this.storedIds(streamId, ids, this.readStream(streamId, { direction: 'backwards' }));
        if (stored) return stored;
        if (expected === 'stream_exists' && last === undefined) throw wrongExpectedRevision(streamId, expected, undefined);
        exact = last ?? 'no_stream';
      } else {
        const next = expected === 'no_stream' ? 0n : expected + 1n;
        const { stored } = await this.storedIds(streamId, ids, this.readStream(streamId, { fromRevision: next, maxCount: ids.length }));
        if (stored) return stored;
        exact = expected;
      }
      try {
        const result = await this.client.appendToStream(
          streamId,
          payload.map((event) =>
            jsonEvent({ id: event.id, type: event.type, data: event.data, metadata: toEsdbMetadata(event.metadata, event.version) }),
          ),
          { expectedRevision: exact },
        );
        return {
          nextExpectedRevision: result.nextExpectedRevision,
          position: await this.positionOf(streamId, result.nextExpectedRevision),
          duplicate: false,
        };
      } catch (error) {
        if (error instanceof MaxAppendSizeExceededError) throw new InvalidAppendError(`stream ${streamId}: ${error.message}`);
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        // Between our look and our append another append landed: look again (only for 'any' and 'stream_exists').
        if (expected === 'any' || expected === 'stream_exists') continue;
        throw wrongExpectedRevision(streamId, expected, error.actualVersion);
      }
    }
  }

  /** The stored answer when every id is in `events`, a conflict when only some are; and the newest revision seen. */
  private async storedIds(
    streamId: string,
    ids: string[],
    events: AsyncIterable<RecordedEvent>,
  ): Promise<{ stored?: AppendResult; last?: bigint }> {
    const wanted = new Set(ids);
    const found: RecordedEvent[] = [];
    let last: bigint | undefined;
    for await (const event of events) {
      last ??= event.streamRevision;
      if (last < event.streamRevision) last = event.streamRevision;
      if (wanted.has(event.id)) found.push(event);
      if (found.length === ids.length) break;
    }
    if (found.length === 0) return { last };
    if (found.length < ids.length) throw new EventIdConflictError(streamId);
    const newest = found.reduce((a, b) => (a.streamRevision > b.streamRevision ? a : b));
    return { stored: { nextExpectedRevision: newest.streamRevision, position: newest.position, duplicate: true }, last };
  }

  private async appendWithKey(
    streamId: string,
    payload: StoredEventPayload[],
    expected: ExpectedRevision,
    key: IdempotencyKey,
  ): Promise<AppendResult> {
    const keyStream = keyStreamOf(key.key);
    for (;;) {
      let state = await this.keyState(key.key);
      if (state.claim && !state.answer) state = await this.awaitAnswer(key.key, state);
      if (state.claim) {
        if (state.claim.fingerprint !== key.fingerprint || state.claim.streamId !== streamId) throw new IdempotencyKeyReusedError(key.key);
        if (state.answer) return { ...state.answer, duplicate: true };
        // Claimed and never answered (its process died): finish that claim; its event ids make a second write impossible.
        return this.completeClaim(state.claim, state.revision!, payload, expected);
      }
      const claim = { key: key.key, fingerprint: key.fingerprint, streamId, claimId: randomUUID() };
      try {
        const { nextExpectedRevision } = await this.client.appendToStream(keyStream, jsonEvent({ type: KEY_CLAIMED, data: claim }), {
          expectedRevision: state.revision ?? 'no_stream',
        });
        return await this.completeClaim(claim, nextExpectedRevision, payload, expected);
      } catch (error) {
        // Another append claimed the key first: see what it claimed it for.
        if (!(error instanceof WrongExpectedVersionError)) throw error;
      }
    }
  }

  private async completeClaim(
    claim: KeyClaim,
    claimRevision: bigint,
    payload: StoredEventPayload[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    const keyStream = keyStreamOf(claim.key);
    let result: AppendResult;
    try {
      result = await this.appendEvents(
        claim.streamId,
        payload.map((event, index) => ({ ...event, id: derivedEventId(claim.claimId, index) })),
        expected,
      );
    } catch (error) {
      // A refused append leaves no key behind, as on the SQL stores: the key is free for a corrected request.
      await this.client
        .appendToStream(keyStream, jsonEvent({ type: KEY_FORGOTTEN, data: { claimId: claim.claimId } }), {
          expectedRevision: claimRevision,
        })
        .catch(() => undefined);
      throw error;
    }
    const answer = { nextExpectedRevision: result.nextExpectedRevision.toString(), position: result.position.toString() };
    try {
      await this.client.appendToStream(keyStream, jsonEvent({ type: KEY_ANSWERED, data: answer }), { expectedRevision: claimRevision });
    } catch (error) {
      // Another process finished the same claim and answered it first: the events are stored either way.
      if (!(error instanceof WrongExpectedVersionError)) throw error;
    }
    return result;
  }

  /** Waits a while for another attempt's answer to a claimed key. */
  private async awaitAnswer(key: string, state: KeyState): Promise<KeyState> {
    const deadline = Date.now() + CLAIM_WAIT_MS;
    while (state.claim && !state.answer && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      state = await this.keyState(key);
    }
    return state;
  }

  private async keyState(key: string): Promise<KeyState> {
    const state: KeyState = {};
    for await (const event of this.readStream(keyStreamOf(key))) {
      state.revision = event.streamRevision;
      const { data } = event;
      if (event.type === KEY_CLAIMED) state.claim = data as unknown as KeyClaim;
      if (event.type === KEY_ANSWERED && state.claim)
        state.answer = { nextExpectedRevision: BigInt(data.nextExpectedRevision as string), position: BigInt(data.position as string) };
      if (event.type === KEY_FORGOTTEN) {
        state.claim = undefined;
        state.answer = undefined;
      }
    }
    return state;
  }

  /** The position of one revision of a stream: EventStoreDB's append answer does not name the last event's own position. */
  private async positionOf(streamId: string, revision: bigint): Promise<bigint> {
    for await (const event of this.readStream(streamId, { fromRevision: revision, maxCount: 1 })) return event.position;
    throw new Error(`stream ${streamId} has no revision ${revision} right after appending it`);
  }

  /** The newest Kring event that `matches`, reading `$all` backwards in batches. */
  private async lastKringEvent(matches: (event: EsdbRecorded) => boolean): Promise<RecordedEvent | undefined> {
    let from: Position | typeof END = END;
    for (;;) {
      let read = 0;
      let last: Position | undefined;
      for await (const { event } of this.client.readAll({ direction: BACKWARDS, fromPosition: from, maxCount: DEFAULT_BATCH })) {
        read++;
        if (!event) continue;
        // Should a read from a position include the event there, that event is only checked twice.
        last = event.position;
        if (isKringEvent(event) && matches(event)) return this.toRecorded(event);
      }
      if (read < DEFAULT_BATCH || !last) return undefined;
      from = last;
    }
  }

  /** Events whose type matches `regex` from the start of `$all` to the head as it is now, filtered by the server. */
  private async *filteredUntilHead(regex: string): AsyncGenerator<EsdbRecorded> {
    let head: bigint | undefined;
    for await (const { event } of this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }))
      head = event && packPosition(event.position);
    if (head === undefined) return;
    const subscription = this.client.subscribeToAll({ fromPosition: START, filter: eventTypeFilter({ regex }) });
    let reachedHead = false;
    subscription.on('caughtUp', () => {
      reachedHead = true;
      void subscription.unsubscribe();
    });
    try {
      for await (const { event } of subscription as AsyncIterable<AllStreamResolvedEvent>) {
        if (event) yield event;
        if (reachedHead || (event && packPosition(event.position) >= head)) return;
      }
    } catch (error) {
      // Ending the subscription at the head may surface as its cancellation.
      if (!reachedHead) throw error;
    } finally {
      await subscription.unsubscribe().catch(() => undefined);
    }
  }

  /** One live follower per store wakes waitForHead's sleepers on every append, ours or another process's. */
  private watchHead(): void {
    if (this.headWatch || this.closed) return;
    this.headWatch = (async () => {
      const live = this.subscribeToAll({ after: await this.headPosition() });
      try {
        for await (const _ of live) this.wakeHeadWaiters();
      } finally {
        // It resubscribes after transient errors itself; after anything else the next waitForHead starts a new one.
        this.headWatch = undefined;
      }
    })().catch(() => undefined);
  }

  private wakeHeadWaiters(): void {
    for (const wake of this.headWaiters) wake();
    this.headWaiters.clear();
  }

  private toRecorded(event: EsdbRecorded): RecordedEvent {
    const recorded = toRecordedEvent(event);
    return this.upcasters.isEmpty ? recorded : this.upcasters.apply(recorded);
  }
}
