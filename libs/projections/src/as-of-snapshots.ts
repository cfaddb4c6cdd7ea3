import { randomBytes } from 'node:crypto';
import type { EventStore, SqlDriver } from '@kring/event-store';
import { assertIdentifier } from './document-tables';
import type { ProjectionEngine } from './projection-engine';

interface Snapshot {
  schema: string;
  ready: Promise<void>;
  readers: number;
  evicted: boolean;
}

/** A replay older than this, left by a process that died, is dropped at start. */
const ABANDONED_AFTER = '10 minutes';

/**
 * "As the system knew it then": the projection replayed into its own schema up to the last event
 * recorded at or before the instant. The answer for a position never changes (the log is append-only),
 * so replays are kept for reuse, a few at a time, and shared by concurrent queries.
 */
export class AsOfSnapshots {
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly token = randomBytes(4).toString('hex');

  constructor(
    private readonly engine: ProjectionEngine,
    private readonly store: EventStore,
    private readonly sql: SqlDriver,
    private readonly keep = 8,
  ) {}

  async start(): Promise<void> {
    const abandoned = await this.sql.query<{ schema_name: string }>(
      `SELECT schema_name FROM kring_asof_schemas WHERE created_at < now() - interval '${ABANDONED_AFTER}'`,
    );
    for (const { schema_name } of abandoned) await this.drop(schema_name);
  }

  async stop(): Promise<void> {
    for (const snapshot of this.snapshots.values()) {
      snapshot.evicted = true;
      if (snapshot.readers === 0) await this.drop(snapshot.schema).catch(() => undefined);
    }
    this.snapshots.clear();
  }

  /** Runs `read` against the projection `name` as it stood at `instant`. */
  async read<T>(name: string, instant: Date, read: (schema: string) => Promise<T>): Promise<T> {
    const position = await this.store.positionAt(instant);
    const key = `${name}@${position}`;
    let snapshot = this.snapshots.get(key);
    if (!snapshot) {
      const schema = `kring_asof_${assertIdentifier(name)}_${position}_${this.token}`;
      snapshot = { schema, ready: this.build(name, schema, position), readers: 0, evicted: false };
      this.snapshots.set(key, snapshot);
      snapshot.ready.catch(() => this.snapshots.delete(key));
      this.evictBeyond(this.keep);
    } else {
      // Most recently used last: the Map's order is the eviction order.
      this.snapshots.delete(key);
      this.snapshots.set(key, snapshot);
    }
    snapshot.readers++;
    try {
      await snapshot.ready;
      return await read(snapshot.schema);
    } finally {
      snapshot.readers--;
      if (snapshot.evicted && snapshot.readers === 0) await this.drop(snapshot.schema).catch(() => undefined);
    }
  }

  private async build(name: string, schema: string, position: bigint): Promise<void> {
    await this.sql.query('INSERT INTO kring_asof_schemas (schema_name) VALUES ($1)', [schema]);
    try {
      await this.engine.replayInto(name, schema, position);
    } catch (error) {
      await this.drop(schema).catch(() => undefined);
      throw error;
    }
  }

  private evictBeyond(limit: number): void {
    for (const [key, snapshot] of this.snapshots) {
      if (this.snapshots.size <= limit) return;
      this.snapshots.delete(key);
      snapshot.evicted = true;
      if (snapshot.readers === 0) void snapshot.ready.then(() => this.drop(snapshot.schema)).catch(() => undefined);
    }
  }

  private async drop(schema: string): Promise<void> {
    await this.sql.exec(`DROP SCHEMA IF EXISTS ${assertIdentifier(schema)} CASCADE`);
    await this.sql.query('DELETE FROM kring_asof_schemas WHERE schema_name = $1', [schema]);
  }
}
