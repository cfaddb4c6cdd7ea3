import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client, Pool, PoolClient, types as pgTypes } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ReservedSession, SqlDriver, SqlSession } from '../sql/sql-driver';

const INT8_OID = 20;
const RELISTEN_DELAY_MS = 1000;

/** int8 as bigint, on this driver's connections only (never a process-wide pg setting). */
const bigintTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (value: string) => BigInt(value) : pgTypes.getTypeParser(oid, format)) as typeof pgTypes.getTypeParser,
};

function session(client: Pool | PoolClient | Client): SqlSession {
  return {
    query: async <Row>(text: string, params?: readonly unknown[]) => (await client.query(text, params as unknown[])).rows as Row[],
    exec: async (script: string) => {
      await client.query(script);
    },
    copyRows: async (table, columns, rows) => {
      // COPY holds its connection until the rows are in: on the pool, one connection of its own.
      const connection = client instanceof Pool ? await client.connect() : client;
      try {
        await pipeline(Readable.from([rows]), connection.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)));
      } finally {
        if (connection !== client) (connection as PoolClient).release();
      }
    },
  };
}

export interface PostgresDriverOptions {
  connectionString: string;
  poolSize?: number;
  /** Where connection errors outside a query go (an idle connection dropped, LISTEN lost). */
  onError?: (error: Error) => void;
}

export class PostgresDriver implements SqlDriver {
  readonly adapter = 'postgres' as const;
  readonly aggregatedReadBytes = 0;
  private readonly pool: Pool;
  private readonly sessionOnPool: SqlSession;
  private readonly onError: (error: Error) => void;
  private closed = false;
  private readonly listener: SharedListener;

  constructor(private readonly options: PostgresDriverOptions) {
    const report = options.onError ?? ((error: Error) => process.emitWarning(`kring postgres: ${error.message}`));
    // pg-pool's end() resolves before idle sockets are closed: errors after close() are teardown, not news.
    this.onError = (error) => {
      if (!this.closed) report(error);
    };
    this.pool = new Pool({ connectionString: options.connectionString, max: options.poolSize ?? 10, types: bigintTypes });
    this.pool.on('error', this.onError);
    this.sessionOnPool = session(this.pool);
    this.listener = new SharedListener(options.connectionString, this.onError);
  }

  query<Row>(text: string, params?: readonly unknown[]): Promise<Row[]> {
    return this.sessionOnPool.query<Row>(text, params);
  }

  exec(script: string): Promise<void> {
    return this.sessionOnPool.exec(script);
  }

  copyRows(table: string, columns: readonly string[], rows: string): Promise<void> {
    return this.sessionOnPool.copyRows(table, columns, rows);
  }

  async transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(session(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    return this.listener.listen(channel, onNotify);
  }

  /** Its own connection, not a pool's: a lock held for hours should not shrink the pool. */
  async reserve(): Promise<ReservedSession> {
    const client = new Client({ connectionString: this.options.connectionString, types: bigintTypes });
    client.on('error', this.onError);
    await client.connect();
    return { ...session(client), release: () => client.end().catch(() => undefined) };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([this.pool.end(), this.listener.close()]);
  }
}

type Handler = (payload: string) => void;

interface ListeningConnection {
  client: Client;
  /** The LISTENs sent on it, by channel. */
  listened: Map<string, Promise<unknown>>;
}

/**
 * Every channel a driver listens on, on one connection of its own (LISTEN does not survive being
 * returned to a pool), re-established if it drops. One, because PostgreSQL wakes each listening
 * backend at every NOTIFY in the database, whatever its channel: with the log's, the projections' and
 * the subject keys' channels on three connections, each append cost the server two wake-ups for
 * nothing (about 0.06 ms of its CPU each, measured with appends beside idle listeners).
 */
class SharedListener {
  private readonly handlers = new Map<string, Set<Handler>>();
  private connection?: Promise<ListeningConnection>;
  private retry?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly connectionString: string,
    private readonly onError: (error: Error) => void,
  ) {}

  async listen(channel: string, onNotify: Handler): Promise<() => Promise<void>> {
    let handlers = this.handlers.get(channel);
    if (!handlers) this.handlers.set(channel, (handlers = new Set()));
    handlers.add(onNotify);
    try {
      await this.listening(channel);
    } catch (error) {
      await this.stop(channel, onNotify);
      throw error;
    }
    // Anything sent on the channel before it was heard is found by the listener's next read.
    onNotify('');
    return () => this.stop(channel, onNotify);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    this.handlers.clear();
    await this.disconnect();
  }

  private async listening(channel: string): Promise<void> {
    const connection = await (this.connection ??= this.connect());
    let listened = connection.listened.get(channel);
    if (!listened) connection.listened.set(channel, (listened = connection.client.query(`LISTEN ${channel}`)));
    await listened;
  }

  private async connect(): Promise<ListeningConnection> {
    const client = new Client({ connectionString: this.connectionString });
    const connection: ListeningConnection = { client, listened: new Map() };
    client.on('notification', ({ channel, payload }) => {
      for (const handler of this.handlers.get(channel) ?? []) handler(payload ?? '');
    });
    client.on('error', (error) => {
      this.onError(error);
      client.end().catch(() => undefined);
      // A connection that never came up fails its own connect instead.
      void this.connection?.then((current) => current === connection && this.lost()).catch(() => undefined);
    });
    try {
      await client.connect();
    } catch (error) {
      this.connection = undefined;
      throw error;
    }
    return connection;
  }

  /** The connection dropped: a new one LISTENs again, then tells every handler ('') that it may have missed news. */
  private lost(): void {
    this.connection = undefined;
    if (this.closed || this.handlers.size === 0) return;
    this.retry = setTimeout(async () => {
      try {
        for (const channel of this.handlers.keys()) await this.listening(channel);
        if (this.closed) return await this.disconnect();
        for (const handlers of this.handlers.values()) for (const handler of handlers) handler('');
      } catch (error) {
        this.onError(error as Error);
        await this.disconnect();
        this.lost();
      }
    }, RELISTEN_DELAY_MS);
  }

  /** A channel nobody hears any more is UNLISTENed; with none left, the connection ends. */
  private async stop(channel: string, onNotify: Handler): Promise<void> {
    const handlers = this.handlers.get(channel);
    if (!handlers?.delete(onNotify) || handlers.size > 0) return;
    this.handlers.delete(channel);
    if (this.handlers.size === 0) return this.disconnect();
    const connection = await this.connection?.catch(() => undefined);
    // Heard again meanwhile: its LISTEN stays.
    if (!connection || this.handlers.has(channel)) return;
    connection.listened.delete(channel);
    await connection.client.query(`UNLISTEN ${channel}`).catch(() => undefined);
  }

  private async disconnect(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    await connection?.then(({ client }) => client.end()).catch(() => undefined);
  }
}
