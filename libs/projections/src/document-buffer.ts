import { applyEvents, type DocumentTables, keysTouched, ProjectedEvent, ProjectionDefinition } from '@kring/domain';
import type { SqlSession } from '@kring/event-store';
import { type DocumentRows, type DocumentWrites, keyIndexSql, loadDocuments, rowsOf, writesOf } from './document-tables';

/**
 * One generation's documents held in memory between commits (write-back). A catch-up applies many
 * read batches and writes each changed document once per commit instead of once per batch, and a
 * generation built from the empty start knows every document it ever wrote, so it only reads its
 * own tables for documents it evicted. Valid only while this process is the generation's one writer.
 */
export class DocumentBuffer<Event extends ProjectedEvent = ProjectedEvent> {
  private readonly tables: DocumentTables = {};
  private readonly dirty: Record<string, Set<string>> = {};
  /** Keys evicted from memory that exist in the tables (tracked only when `complete`). */
  private readonly stored: Record<string, Set<string>> = {};
  /** Keys whose removal was taken for a commit: forgotten by `trim`, once that commit is done. */
  private readonly removed: Record<string, Set<string>> = {};
  /** Keys first touched since the last take that have no row in the tables (tracked only when `complete`). */
  private readonly unwritten: Record<string, Set<string>> = {};
  /**
   * Collections whose table has its key index, or will have it once the commit taken last is done. A
   * generation's tables get theirs when a key is first looked up there, or at the switch (see createTablesSql).
   */
  private readonly keyed: Record<string, boolean> = {};
  private cached = 0;
  /** Events applied since the last take: how many, and those to hand on (see `apply`). */
  private pending = { count: 0, events: [] as Event[] };

  /**
   * @param complete the tables hold nothing this buffer has not seen (a generation at checkpoint 0):
   *   a key missing from memory and never evicted is absent, no read needed
   * @param capacity documents kept in memory after a commit; the least recently touched go first
   */
  constructor(
    private readonly projection: ProjectionDefinition,
    private readonly schema: string,
    private readonly complete: boolean,
    private readonly capacity = 200_000,
  ) {
    for (const { name } of projection.collections) {
      this.tables[name] = new Map();
      this.dirty[name] = new Set();
      this.stored[name] = new Set();
      this.removed[name] = new Set();
      this.unwritten[name] = new Set();
      this.keyed[name] = false;
    }
  }

  /** Every table has its key index now (the switch made them): writes may upsert, and need not ask for one. */
  indexed(): void {
    for (const { name } of this.projection.collections) this.keyed[name] = true;
  }

  /** How many events were applied since the last take. */
  get uncommitted(): number {
    return this.pending.count;
  }

  /**
   * Applies `events` in memory, first reading (through `session`) the documents they touch that are not in memory.
   * @param handOn whether `take` returns these events too, for listeners to hear once they commit. A
   *   rebuild or replay applies tens of thousands between commits that nobody hears: kept until then,
   *   they held about 13 MB of heap per 25,000 meetings for nothing.
   */
  async apply(session: SqlSession, events: readonly Event[], handOn = false): Promise<void> {
    const touched = keysTouched(this.projection, events);
    for (const collection of this.projection.collections) {
      const table = this.tables[collection.name];
      const missing = new Set<string>();
      for (const key of touched.all[collection.name]) {
        if (table.has(key)) {
          // Most recently touched last: the Map's order is the eviction order.
          const doc = table.get(key);
          table.delete(key);
          table.set(key, doc);
        } else if (!this.complete || this.stored[collection.name].has(key)) missing.add(key);
        // Neither in memory nor evicted: never written, or its removal is committed. Its write need not delete first.
        else this.unwritten[collection.name].add(key);
      }
      for (const key of touched.all[collection.name]) {
        if (!table.has(key)) this.cached++;
        this.dirty[collection.name].add(key);
      }
      if (missing.size > 0 && !this.keyed[collection.name]) {
        await session.exec(keyIndexSql(this.schema, collection.name));
        this.keyed[collection.name] = true;
      }
      for (const [key, doc] of await loadDocuments(session, this.schema, collection, missing)) {
        table.set(key, doc);
        this.stored[collection.name].delete(key);
      }
    }
    applyEvents(this.projection, this.tables, events, touched);
    this.pending.count += events.length;
    if (handOn) this.pending.events.push(...events);
  }

  /**
   * Takes the documents changed since the last take, as rows, with how many events changed them and
   * those of them to hand on, for one transaction to write. Synchronous, and the rows are serialised
   * here: more events may be applied (changing documents in place) while the commit runs.
   */
  take(): { rows: Record<string, DocumentRows>; applied: number; events: Event[] } {
    const rows: Record<string, DocumentRows> = {};
    for (const collection of this.projection.collections) {
      const { name } = collection;
      const table = this.tables[name];
      const changed = new Map<string, unknown>();
      // A removed document stays in memory as `undefined` until `trim`: until its removal commits, the tables still hold it.
      for (const key of this.dirty[name]) {
        const doc = table.get(key);
        changed.set(key, doc);
        if (doc === undefined) this.removed[name].add(key);
      }
      rows[name] = rowsOf(collection, changed, this.unwritten[name], this.keyed[name]);
      if (rows[name].keyIndex) this.keyed[name] = true;
      this.dirty[name].clear();
      this.unwritten[name].clear();
    }
    const { count, events } = this.pending;
    this.pending = { count: 0, events: [] };
    return { rows, applied: count, events };
  }

  /** The writes of what `take` returned, every collection's. */
  writesOf(rows: Record<string, DocumentRows>): DocumentWrites {
    const writes: DocumentWrites = { statements: [], copies: [] };
    for (const collection of this.projection.collections) {
      const { statements, copies } = writesOf(this.schema, collection, rows[collection.name]);
      writes.statements.push(...statements);
      writes.copies.push(...copies);
    }
    return writes;
  }

  /**
   * Shrinks memory to its capacity, least recently touched first. Only between commits: an evicted
   * document is read back from the tables, which must already hold its last version.
   */
  trim(): void {
    for (const { name } of this.projection.collections) {
      const table = this.tables[name];
      for (const key of this.removed[name])
        if (table.get(key) === undefined && !this.dirty[name].has(key) && table.delete(key)) this.cached--;
      this.removed[name].clear();
    }
    if (this.cached > this.capacity) this.evict(this.cached - Math.floor(this.capacity / 2));
  }

  private evict(count: number): void {
    let left = count;
    for (const { name } of this.projection.collections) {
      const table = this.tables[name];
      const share = Math.ceil((count * table.size) / Math.max(1, this.cached));
      let taken = 0;
      const dirty = this.dirty[name];
      for (const key of table.keys()) {
        if (taken >= share || left <= 0) break;
        // Changed since the last take (applied while a commit ran): its only copy is here until the next take.
        if (dirty.has(key)) continue;
        table.delete(key);
        if (this.complete) this.stored[name].add(key);
        taken++;
        left--;
      }
      this.cached -= taken;
    }
  }
}
