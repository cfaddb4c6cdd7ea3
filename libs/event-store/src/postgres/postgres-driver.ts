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
  private readonly pool: Pool;
  private readonly sessionOnPool: SqlSession;
  private readonly onError: (error: Error) => void;
  private closed = false;

  constructor(private readonly options: PostgresDriverOptions) {
    const report = options.onError ?? ((error: Error) => process.emitWarning(`kring postgres: ${error.message}`));
    // pg-pool's end() resolves before idle sockets are closed: errors after close() are teardown, not news.
    this.onError = (error) => {
      if (!this.closed) report(error);
    };
    this.pool = new Pool({ connectionString: options.connectionString, max: options.poolSize ?? 10, types: bigintTypes });
    this.pool.on('error', this.onError);
    this.sessionOnPool = session(this.pool);
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

  /** A dedicated connection (LISTEN does not survive being returned to a pool), re-established if it drops. */
  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    let stopped = false;
    let client: Client | undefined;
    let retry: NodeJS.Timeout | undefined;

    const connect = async (): Promise<void> => {
      const next = new Client({ connectionString: this.options.connectionString, types: bigintTypes });
      next.on('notification', (message) => {
        if (message.channel === channel) onNotify(message.payload ?? '');
      });
      next.on('error', (error) => {
        this.onError(error);
        next.end().catch(() => undefined);
        if (client === next && !stopped) scheduleReconnect();
      });
      await next.connect();
      await next.query(`LISTEN ${channel}`);
      client = next;
      // Anything appended while we were not listening is found by the followers' next read.
      onNotify('');
    };
    const scheduleReconnect = () => {
      client = undefined;
      retry = setTimeout(() => connect().catch((error: Error) => (this.onError(error), scheduleReconnect())), RELISTEN_DELAY_MS);
    };

    await connect();
    return async () => {
      stopped = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    };
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
    await this.pool.end();
  }
}
