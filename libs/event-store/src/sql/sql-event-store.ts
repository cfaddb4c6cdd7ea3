import {
  AppendOptions,
  AppendResult,
  ChainLink,
  IdempotencyKeyReusedError,
  IntegrityReport,
  VerifyOptions,
  EventIdConflictError,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  InvalidAppendError,
  JsonObject,
  LogSubscription,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  RememberedKey,
  SubscribeOptions,
  WrongExpectedRevisionError,
} from '../event-store';
import { Upcasters } from '../upcasting';
import { validateAppend } from '../append-validation';
import { migrate } from './migrations';
import { LOG_CHANNEL, LOG_MIGRATIONS } from './log-schema';
import { SqlDriver, SqlState } from './sql-driver';

const DEFAULT_BATCH = 1000;
const DEFAULT_IDLE_POLL_MS = 1000;
/** Positions per statement of an integrity check: bounded work per round trip, progress in between. */
const VERIFY_BATCH = 50_000n;

/** Both drivers parse int8 to bigint, so positions and revisions arrive as bigint. */
interface EventRow {
  position: bigint;
  stream_id: string;
  stream_revision: bigint;
  event_id: string;
  type: string;
  version: number;
  data: JsonObject;
  metadata: EventMetadata;
  recorded_at: Date;
}

const COLUMNS = 'position, stream_id, stream_revision, event_id, type, version, data, metadata, recorded_at';

/** An event as one JSON array, built by the database for a driver that aggregates reads: bigints as text, the time in ms. */
type EventJson = [
  position: string,
  streamId: string,
  streamRevision: string,
  id: string,
  type: string,
  version: number,
  data: JsonObject,
  metadata: EventMetadata,
  recordedAtMs: number,
];

/** The columns of COLUMNS as an EventJson; recorded_at is stored in whole ms (see log-schema.ts). */
const EVENT_JSON = `json_build_array(position::text, stream_id, stream_revision::text, event_id, type, version, data, metadata,
                                     floor(extract(epoch FROM recorded_at) * 1000)::bigint)`;

const fromRow = (row: EventRow): RecordedEvent => ({
  id: row.event_id,
  streamId: row.stream_id,
  type: row.type,
  version: row.version,
  data: row.data,
  metadata: row.metadata,
  recordedAt: row.recorded_at,
  streamRevision: row.stream_revision,
  position: row.position,
});

const fromJson = ([position, streamId, streamRevision, id, type, version, data, metadata, recordedAtMs]: EventJson): RecordedEvent => ({
  id,
  streamId,
  type,
  version,
  data,
  metadata,
  recordedAt: new Date(recordedAtMs),
  streamRevision: BigInt(streamRevision),
  position: BigInt(position),
});

interface PendingAppend {
  streamId: string;
  expected: string;
  events: string;
  key: string | null;
  fingerprint: string | null;
}

interface AppendRow {
  next_revision: bigint | null;
  last_position: bigint | null;
  duplicate: boolean | null;
  error_state: string | null;
  error_detail: string | null;
  error_message: string | null;
}

/** Appends per transaction at most: bounds one statement's work and its parameters. */
const MAX_GROUP = 256;

/**
 * Group commit. Appends are serialised by the log's lock anyway, so while one commit is in flight the
 * appends that arrive wait and then share the next transaction (kring_append_batch): one commit, one
 * round trip, for all of them. Each keeps its own expected-revision check, idempotency and answer; one
 * that is refused does not fail the others. An append that finds nothing in flight goes at once.
 */
class GroupCommit {
  private queue: Array<{ append: PendingAppend; settle: (row: AppendRow) => void; fail: (error: unknown) => void }> = [];
  private flushing = false;

  constructor(private readonly driver: SqlDriver) {}

  submit(append: PendingAppend): Promise<AppendRow> {
    return new Promise((settle, fail) => {
      this.queue.push({ append, settle, fail });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
      const group = this.queue.splice(0, MAX_GROUP);
      try {
        const rows = group.length === 1 ? [await this.alone(group[0].append)] : await this.together(group.map(({ append }) => append));
        group.forEach((pending, i) => pending.settle(rows[i]));
      } catch (error) {
        // The transaction itself failed (the connection, the server): nothing of it was committed.
        for (const pending of group) pending.fail(error);
      }
      // The writers just answered may append again at once (their code runs before the next turn of the
      // event loop): one turn's wait lets them join the next group instead of leaving whoever came first alone.
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.flushing = false;
  }

  private together(appends: PendingAppend[]): Promise<AppendRow[]> {
    const column = <K extends keyof PendingAppend>(name: K) => appends.map((append) => append[name]);
    return this.driver.query<AppendRow>('SELECT * FROM kring_append_batch($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])', [
      column('streamId'),
      column('expected'),
      column('events'),
      column('key'),
      column('fingerprint'),
    ]);
  }

  /** An append with nobody queued beside it needs no subtransaction: its refusal is the statement's error. */
  private async alone(append: PendingAppend): Promise<AppendRow> {
    try {
      const [row] = await this.driver.query<AppendRow>(
        'SELECT next_revision, last_position, duplicate, NULL AS error_state, NULL AS error_detail, NULL AS error_message FROM kring_append($1, $2, $3::jsonb, $4, $5)',
        [append.streamId, append.expected, append.events, append.key, append.fingerprint],
      );
      return row;
    } catch (error) {
      const { code, detail, message } = error as { code?: unknown; detail?: string; message: string };
      // A refusal carries a SQLSTATE (ours, or the database's); anything else is the connection's failure.
      if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) throw error;
      return {
        next_revision: null,
        last_position: null,
        duplicate: null,
        error_state: code,
        error_detail: detail ?? null,
        error_message: message,
      };
    }
  }
}

/** The error of one refused append, from the SQLSTATE its subtransaction ended with. */
function appendError(row: AppendRow, streamId: string, expected: ExpectedRevision, key: string | undefined): Error {
  switch (row.error_state) {
    case SqlState.wrongExpectedRevision: {
      const detail = row.error_detail ?? 'no_stream';
      return new WrongExpectedRevisionError(streamId, expected, detail === 'no_stream' ? 'no_stream' : BigInt(detail));
    }
    case SqlState.eventIdConflict:
      return new EventIdConflictError(streamId);
    case SqlState.idempotencyKeyReused:
      return new IdempotencyKeyReusedError(key!);
    case SqlState.untranslatableCharacter:
      return new InvalidAppendError(`stream ${streamId}: ${row.error_message}`);
    default:
      return Object.assign(new Error(row.error_message ?? 'the append failed'), { name: 'DatabaseError', code: row.error_state });
  }
}

/** The event store on any PostgreSQL-speaking driver: node-postgres or the embedded PGlite. */
export class SqlEventStore implements EventStore {
  readonly adapter: string;
  private appendGeneration = 0;
  /** The last position of the latest append this process made or heard of (a NOTIFY carries it): the head is at least here. */
  private heardHead = 0n;
  private readonly waiters = new Set<() => void>();
  private listening?: Promise<() => Promise<void>>;
  private closed = false;
  private readonly commits: GroupCommit;

  private constructor(
    private readonly driver: SqlDriver,
    private readonly upcasters: Upcasters,
  ) {
    this.adapter = driver.adapter;
    this.commits = new GroupCommit(driver);
  }

  static async open(driver: SqlDriver, upcasters = new Upcasters()): Promise<SqlEventStore> {
    await migrate(driver, LOG_MIGRATIONS);
    return new SqlEventStore(driver, upcasters);
  }

  async appendToStream(streamId: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const { payload, expected, key } = validateAppend(streamId, events, options);
    const row = await this.commits.submit({
      streamId,
      expected: expected.toString(),
      events: JSON.stringify(payload),
      key: key?.key ?? null,
      fingerprint: key?.fingerprint ?? null,
    });
    if (row.error_state !== null) throw appendError(row, streamId, expected, key?.key);
    if (!row.duplicate) this.wakeFollowers(row.last_position!);
    return { nextExpectedRevision: row.next_revision!, position: row.last_position!, duplicate: row.duplicate! };
  }

  async findIdempotencyKey(key: string): Promise<RememberedKey | undefined> {
    const [row] = await this.driver.query<{ fingerprint: string; stream_id: string; next_revision: bigint; last_position: bigint }>(
      'SELECT fingerprint, stream_id, next_revision, last_position FROM kring_idempotency_keys WHERE key = $1',
      [key],
    );
    return (
      row && { fingerprint: row.fingerprint, streamId: row.stream_id, nextExpectedRevision: row.next_revision, position: row.last_position }
    );
  }

  async forgetIdempotencyKeys(before: Date): Promise<number> {
    const rows = await this.driver.query('DELETE FROM kring_idempotency_keys WHERE recorded_at < $1 RETURNING key', [before]);
    return rows.length;
  }

  async *readStream(streamId: string, options: ReadStreamOptions = {}): AsyncGenerator<RecordedEvent> {
    const backwards = options.direction === 'backwards';
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    let from = options.fromRevision;
    while (remaining > 0) {
      const limit = Math.min(remaining, DEFAULT_BATCH);
      const events = await this.selectEvents(
        `stream_id = $1 AND ($2::bigint IS NULL OR stream_revision ${backwards ? '<=' : '>='} $2::bigint)`,
        `stream_revision ${backwards ? 'DESC' : 'ASC'}`,
        '$3',
        [streamId, from?.toString() ?? null, limit],
      );
      yield* events;
      if (events.length < limit) return;
      remaining -= events.length;
      const last = events[events.length - 1].streamRevision;
      from = backwards ? last - 1n : last + 1n;
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
    let after = options.after ?? 0n;
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    const batchSize = options.batchSize ?? DEFAULT_BATCH;
    while (remaining > 0) {
      const limit = Math.min(remaining, batchSize);
      const events = await this.fetchAfter(after, limit, options.eventTypes);
      yield* events;
      if (events.length < limit) return;
      remaining -= events.length;
      after = events[events.length - 1].position;
    }
  }

  subscribeToAll(options: SubscribeOptions = {}): LogSubscription {
    const batchSize = options.batchSize ?? DEFAULT_BATCH;
    const idlePollMs = options.idlePollMs ?? DEFAULT_IDLE_POLL_MS;
    let stopped = false;
    let caughtUp = false;
    let interrupt: (() => void) | undefined;
    const store = this;

    async function* follow(): AsyncGenerator<RecordedEvent> {
      let after = options.after ?? 0n;
      await store.listen();
      while (!stopped && !store.closed) {
        // Read the generation before the query: an append that commits while we read still wakes us.
        const seen = store.appendGeneration;
        const events = await store.fetchAfter(after, batchSize, options.eventTypes);
        for (const event of events) {
          if (stopped) return;
          after = event.position;
          yield event;
        }
        if (events.length < batchSize) {
          caughtUp = true;
          await store.waitForAppend(seen, idlePollMs, (wake) => (interrupt = wake));
          caughtUp = false;
        }
      }
    }

    const iterator = follow();
    return {
      [Symbol.asyncIterator]: () => iterator,
      get caughtUp() {
        return caughtUp;
      },
      close: async () => {
        stopped = true;
        interrupt?.();
      },
    };
  }

  async headPosition(): Promise<bigint> {
    const [row] = await this.driver.query<{ head: bigint }>('SELECT coalesce(max(position), 0) AS head FROM kring_events');
    return row.head;
  }

  async waitForHead(position: bigint, timeoutMs: number): Promise<bigint> {
    const deadline = Date.now() + timeoutMs;
    await this.listen();
    for (;;) {
      // Read the generation before the head: an append that commits in between still wakes us.
      const seen = this.appendGeneration;
      // An append already heard of passed it (a follower of a busy log, most of the time): no need to ask the database.
      const head = this.heardHead > position ? this.heardHead : await this.headPosition();
      const remaining = deadline - Date.now();
      if (head > position || remaining <= 0 || this.closed) return head;
      await this.waitForAppend(seen, remaining, () => undefined);
    }
  }

  async positionAt(instant: Date): Promise<bigint> {
    const [row] = await this.driver.query<{ position: bigint }>(
      'SELECT coalesce(max(position), 0) AS position FROM kring_events WHERE recorded_at <= $1',
      [instant],
    );
    return row.position;
  }

  async verifyIntegrity({ anchor, onProgress }: VerifyOptions = {}): Promise<IntegrityReport> {
    const head = await this.chainHead();
    const report = (checked: bigint, broken?: IntegrityReport['broken']): IntegrityReport => ({
      checked: Number(checked),
      head,
      ...(broken ? { broken } : {}),
    });
    // Each batch also reads the last event of the one before, whose stored hash its first link starts from.
    for (let from = 0n; from < head.position; from += VERIFY_BATCH) {
      const to = from + VERIFY_BATCH < head.position ? from + VERIFY_BATCH : head.position;
      const [bad] = await this.driver.query<{ position: bigint; previous: bigint | null; linked: boolean }>(
        `SELECT position, previous, linked FROM (
           SELECT position, lag(position) OVER w AS previous,
                  hash = sha256(coalesce(lag(hash) OVER w, decode(repeat('00', 32), 'hex')) ||
                         kring_event_digest(position, stream_id, stream_revision, event_id, type, version, data, metadata, recorded_at)) AS linked
             FROM kring_events WHERE position >= $1::bigint AND position <= $2::bigint WINDOW w AS (ORDER BY position)
         ) links
         WHERE position > $1::bigint AND (NOT linked OR position <> coalesce(previous, 0) + 1)
         ORDER BY position LIMIT 1`,
        [from.toString(), to.toString()],
      );
      if (bad) {
        const expected = (bad.previous ?? 0n) + 1n;
        const problem =
          bad.position !== expected
            ? `events ${expected} to ${bad.position - 1n} are missing`
            : `the event at position ${bad.position} does not match the chain: it, its hash, or the event before it was changed`;
        return report(bad.previous ?? 0n, { position: bad.position !== expected ? expected : bad.position, problem });
      }
      onProgress?.(to, head.position);
    }
    if (anchor) {
      const [row] = await this.driver.query<{ hash: string }>(
        `SELECT encode(hash, 'hex') AS hash FROM kring_events WHERE position = $1::bigint`,
        [anchor.position.toString()],
      );
      if (row?.hash !== anchor.hash.toLowerCase()) {
        const problem = row
          ? `the hash at position ${anchor.position} is not the anchored one: the log was rewritten up to there`
          : `the anchored position ${anchor.position} is no longer in the log`;
        return report(head.position, { position: anchor.position, problem });
      }
    }
    return report(head.position);
  }

  async chainHead(): Promise<ChainLink> {
    const [row] = await this.driver.query<{ position: bigint; hash: string }>(
      `SELECT position, encode(hash, 'hex') AS hash FROM kring_events ORDER BY position DESC LIMIT 1`,
    );
    return row ?? { position: 0n, hash: '0'.repeat(64) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wakeFollowers();
    const stopListening = await this.listening?.catch(() => undefined);
    await stopListening?.();
    await this.driver.close();
  }

  private fetchAfter(after: bigint, limit: number, eventTypes?: readonly string[]): Promise<RecordedEvent[]> {
    return this.selectEvents('position > $1::bigint AND ($3::text[] IS NULL OR type = ANY ($3::text[]))', 'position', '$2', [
      after.toString(),
      limit,
      eventTypes ? [...eventTypes] : null,
    ]);
  }

  /**
   * The events `where` selects, in `order` (of position or stream_revision), at most `limit` (a
   * parameter), upcast: row by row, or as one JSON text for a driver that reads that faster, up to the
   * size it takes (SqlDriver.aggregatedReadBytes).
   */
  private async selectEvents(where: string, order: string, limit: string, params: readonly unknown[]): Promise<RecordedEvent[]> {
    const batch = `SELECT ${COLUMNS} FROM kring_events WHERE ${where} ORDER BY ${order} LIMIT ${limit}`;
    const upcast = (event: RecordedEvent) => (this.upcasters.isEmpty ? event : this.upcasters.apply(event));
    const rowByRow = async () => (await this.driver.query<EventRow>(batch, params)).map((row) => upcast(fromRow(row)));
    const maxBytes = this.driver.aggregatedReadBytes;
    if (maxBytes === 0) return rowByRow();
    const [{ count, events }] = await this.driver.query<{ count: number; events: string | null }>(
      `SELECT count(*)::integer AS count,
              CASE WHEN sum(octet_length(event::text)) <= ${maxBytes} THEN json_agg(event ORDER BY ${order})::text END AS events
         FROM (SELECT position, stream_revision, ${EVENT_JSON} AS event FROM (${batch}) AS batch) AS batch`,
      params,
    );
    if (count === 0) return [];
    // A batch of very large events: row by row rather than as one text of hundreds of MB.
    if (events === null) return rowByRow();
    return (JSON.parse(events) as EventJson[]).map((json) => upcast(fromJson(json)));
  }

  /** Appends by other processes arrive as NOTIFY; our own wake followers directly, without the round trip. */
  private listen(): Promise<() => Promise<void>> {
    // The payload is the append's last position; '' is the driver's own wake-up after (re)connecting.
    this.listening ??= this.driver.listen(LOG_CHANNEL, (payload) =>
      this.wakeFollowers(/^\d+$/.test(payload) ? BigInt(payload) : undefined),
    );
    return this.listening;
  }

  private wakeFollowers(head?: bigint): void {
    if (head !== undefined && head > this.heardHead) this.heardHead = head;
    this.appendGeneration++;
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  private waitForAppend(seen: number, timeoutMs: number, onInterruptible: (wake: () => void) => void): Promise<void> {
    if (this.appendGeneration !== seen || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      this.waiters.add(wake);
      onInterruptible(wake);
    });
  }
}
