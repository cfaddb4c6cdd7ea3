import { PGlite, types } from '@electric-sql/pglite';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ReservedSession, SqlDriver, SqlSession } from '../sql/sql-driver';
import { acquireDataDirLock } from './data-dir-lock';
import { EventLoopTurns } from './event-loop-turns';

/**
 * How long statements may hold the thread before the event loop gets a turn: a request that arrives
 * during a rebuild waits about this long for its first step, and a rebuild pays one turn per slice.
 */
const TURN_SLICE_MS = 5;

/**
 * A lean embedded database: PostgreSQL's defaults (128 MB of shared buffers, in a WASM heap that grows and never
 * shrinks) are sized for a server of its own; Kring's embedded store serves one process, whose reads
 * are mostly sequential scans of the log and small keyed lookups. Measured with the API: see the README.
 */
const MEMORY_SETTINGS = ['-c', 'shared_buffers=16MB', '-c', 'work_mem=2MB', '-c', 'maintenance_work_mem=16MB', '-c', 'temp_buffers=2MB'];

/**
 * Creates the database cluster (initdb) in a short-lived process of its own: initdb grows PGlite's WASM
 * heap by about 110 MB, which never shrinks, so a first start that ran it in-process kept that for life
 * (API RSS about 390 MB against about 280 MB on a directory made before). The caller holds the lock.
 */
async function initialiseApart(directory: string): Promise<void> {
  const create = `const { PGlite } = require(process.argv[1]);
    PGlite.create(process.argv[2], { startParams: [...PGlite.defaultStartParams, ...JSON.parse(process.argv[3])] }).then((db) => db.close());`;
  try {
    await promisify(execFile)(process.execPath, [
      '-e',
      create,
      require.resolve('@electric-sql/pglite'),
      directory,
      JSON.stringify(MEMORY_SETTINGS),
    ]);
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`the embedded database in ${directory} could not be created: ${stderr?.trim() || message}`);
  }
}

/**
 * The embedded default: PostgreSQL compiled to WASM, persisted in `<dataDir>/pglite`, no server.
 * Durable against a killed process (writes reach the OS before a query returns), not against an OS
 * crash or power loss: PGlite runs with fsync=off and its Node file layer implements no fsync.
 */
export class PgliteDriver implements SqlDriver {
  readonly adapter = 'pglite' as const;
  /** Far below the limits of a PostgreSQL value (1 GB) and of a V8 string. */
  readonly aggregatedReadBytes = 64 * 1024 * 1024;

  /** Every statement takes its turn: a chain of them leaves the event loop a turn every few ms (see EventLoopTurns). */
  private readonly turns = new EventLoopTurns(TURN_SLICE_MS);
  private readonly session: SqlSession;

  private constructor(
    private readonly db: PGlite,
    private readonly releaseLock: () => void,
  ) {
    this.session = this.sessionOf(db);
  }

  static async open(dataDir: string): Promise<PgliteDriver> {
    const releaseLock = acquireDataDirLock(dataDir);
    try {
      const directory = join(dataDir, 'pglite');
      if (!existsSync(join(directory, 'PG_VERSION'))) await initialiseApart(directory);
      const db = await PGlite.create(directory, {
        parsers: { [types.INT8]: (value: string) => BigInt(value) },
        startParams: [...PGlite.defaultStartParams, ...MEMORY_SETTINGS],
      });
      return new PgliteDriver(db, releaseLock);
    } catch (error) {
      releaseLock();
      throw error;
    }
  }

  query<Row>(text: string, params?: readonly unknown[]): Promise<Row[]> {
    return this.session.query<Row>(text, params);
  }

  exec(script: string): Promise<void> {
    return this.session.exec(script);
  }

  copyRows(table: string, columns: readonly string[], rows: string): Promise<void> {
    return this.session.copyRows(table, columns, rows);
  }

  transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T> {
    return this.turns.take(() => this.db.transaction((tx) => work(this.sessionOf(tx))));
  }

  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    return this.db.listen(channel, onNotify);
  }

  async reserve(): Promise<ReservedSession> {
    return {
      ...this.session,
      release: async () => undefined,
    };
  }

  /** The database, or an open transaction on it, as a session whose statements take their turns. */
  private sessionOf(db: Pick<PGlite, 'query' | 'exec'>): SqlSession {
    return {
      query: async <Row>(text: string, params?: readonly unknown[]) =>
        (await this.turns.take(() => db.query<Row>(text, params as unknown[]))).rows,
      exec: async (script) => {
        await this.turns.take(() => db.exec(script));
      },
      // PGlite reads COPY's input from the blob given with the query, as the file /dev/blob.
      copyRows: async (table, columns, rows) => {
        await this.turns.take(() => db.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob'`, [], { blob: new Blob([rows]) }));
      },
    };
  }

  async close(): Promise<void> {
    try {
      await this.db.close();
    } finally {
      this.releaseLock();
    }
  }
}
