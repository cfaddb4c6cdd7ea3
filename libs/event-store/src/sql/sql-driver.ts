/**
 * The little that differs between PostgreSQL (node-postgres) and the embedded PGlite: how to send
 * SQL, run a transaction and listen for notifications. Everything else is the same SQL.
 */
export interface SqlSession {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Several statements in one string (DDL); no parameters. */
  exec(script: string): Promise<void>;
  /**
   * Loads rows given in COPY's text format (tab-separated, `\N` for null, one row per line) into
   * `table`'s `columns`: several times faster per row than any INSERT for a bulk write. The names
   * are the caller's own, from code; the rows are data.
   */
  copyRows(table: string, columns: readonly string[], rows: string): Promise<void>;
}

/** A connection held by one user, for session state such as an advisory lock. */
export interface ReservedSession extends SqlSession {
  /** Ends the session; whatever it held (locks) is released by the database. */
  release(): Promise<void>;
}

export interface SqlDriver extends SqlSession {
  readonly adapter: 'postgres' | 'pglite';
  /**
   * The largest batch of events read as one JSON text, aggregated by the database; 0: always row by
   * row. PGlite copies every field of a result into an ArrayBuffer of its own before decoding it: 200k
   * events of 9 fields read in 4.8-5.9 s row by row, 2.2-2.6 s as one JSON text per batch. node-postgres
   * decodes rows cheaply, and building the JSON costs PostgreSQL more than it saves (0.9-1.1 s against 2.0-2.4 s).
   */
  readonly aggregatedReadBytes: number;
  /** Runs `work` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T>;
  /** Calls `onNotify` for each NOTIFY on `channel`; resolves to a function that stops listening. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /** A session of its own, outside the pool (PGlite has one session, shared: one process per directory anyway). */
  reserve(): Promise<ReservedSession>;
  close(): Promise<void>;
}

/** SQLSTATE codes raised by our own SQL (class "KR" is ours; PostgreSQL reserves none of it). */
export const SqlState = {
  wrongExpectedRevision: 'KR409',
  eventIdConflict: 'KR410',
  idempotencyKeyReused: 'KR411',
  /** A projection's checkpoint moved under the process committing it: another process projects it now. */
  checkpointMoved: 'KR412',
  /** A projection's document write failed; DETAIL names the generation (its place in the commit), HINT the original SQLSTATE. */
  documentWriteFailed: 'KR413',
  /** PostgreSQL's own: text the database cannot store, such as \u0000 inside jsonb. */
  untranslatableCharacter: '22P05',
} as const;
