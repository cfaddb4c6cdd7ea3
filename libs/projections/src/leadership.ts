import type { SqlDriver, ReservedSession } from '@kring/event-store';
import { LostLeadershipError } from './errors';
import type { Lifecycle } from './lifecycle';

/** classid of our advisory locks (objid: hashtext of the projection's name). */
const LOCK_CLASS = 0x6b72_696e;

/**
 * One process per projection projects it: the one holding a session-level advisory lock on its name.
 * The others retry now and then, and take over when the holder's session ends (a crash, a stop).
 */
export class Leadership {
  /** The projections this process holds the lock of right now. */
  readonly held = new Set<string>();

  constructor(
    private readonly sql: SqlDriver,
    private readonly life: Lifecycle,
    private readonly retryMs: number,
    private readonly log: (message: string) => void,
  ) {}

  /**
   * Until the engine stops: runs `work` whenever this process holds the lock on `name`, and tries
   * again `retryMs` after losing it, failing, or finding it held.
   * @param attempted called after each attempt: the first call means this process's first try is over
   * @param failed called with what stopped `work` (a lost leadership is expected, and not reported)
   */
  async lead(name: string, work: () => Promise<void>, attempted: () => void, failed: (error: Error) => void): Promise<void> {
    while (!this.life.stopped) {
      let session: ReservedSession | undefined;
      try {
        session = await this.sql.reserve();
        const [{ locked }] = await session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [
          LOCK_CLASS,
          name,
        ]);
        if (locked) {
          this.log(`projection ${name}: this process projects it`);
          this.held.add(name);
          try {
            await work();
          } finally {
            this.held.delete(name);
            await session.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, name]).catch(() => undefined);
          }
        }
      } catch (error) {
        if (!(error instanceof LostLeadershipError) && !this.life.stopped) {
          failed(error as Error);
          this.log(`projection ${name}: ${(error as Error).message}; retrying in ${this.retryMs} ms`);
        }
      } finally {
        attempted();
        await session?.release();
      }
      await this.life.pause(this.retryMs);
    }
  }
}
