/**
 * A map for a fold's state that grows by an entry per event, where copying it per event would make
 * each event dearer than the last: a network's meetings grow every week it runs, and recordMeeting
 * copied all of them to add one (a command's cost grew with its stream, a stream's load with its
 * square). Each version is a value, as a decider's state must be: `with` returns a new version and
 * leaves this one as it was. Versions share one table of entries, each stamped with the version that
 * added it, and a version sees the entries stamped up to its own. Adding a new key to the newest
 * version writes the shared table: O(1). Anything else (a key set again, or an older version given
 * another event, as when two commands are decided on one state) copies what that version sees first.
 */
export class GrowingMap<K, V> {
  private constructor(
    private readonly table: { entries: Map<K, { value: V; stamp: number }>; newest: number },
    private readonly stamp: number,
    readonly size: number,
  ) {}

  static empty<K, V>(): GrowingMap<K, V> {
    return new GrowingMap<K, V>({ entries: new Map(), newest: 0 }, 0, 0);
  }

  get(key: K): V | undefined {
    const entry = this.table.entries.get(key);
    return entry !== undefined && entry.stamp <= this.stamp ? entry.value : undefined;
  }

  has(key: K): boolean {
    const entry = this.table.entries.get(key);
    return entry !== undefined && entry.stamp <= this.stamp;
  }

  /** This version with `key` set to `value`. */
  with(key: K, value: V): GrowingMap<K, V> {
    let { table } = this;
    if (this.stamp !== table.newest || table.entries.has(key)) {
      const entries = new Map<K, { value: V; stamp: number }>();
      for (const [k, entry] of table.entries) if (entry.stamp <= this.stamp && k !== key) entries.set(k, entry);
      table = { entries, newest: this.stamp };
    }
    table.entries.set(key, { value, stamp: ++table.newest });
    // Every entry of the table is seen by its newest version.
    return new GrowingMap(table, table.newest, table.entries.size);
  }
}
