/**
 * The hash chain of the SQL stores against tampering that goes around the port into their tables:
 * changed, removed, moved and re-hashed events. (EventStoreDB offers no way to change a stored event;
 * the contract's anchor test covers what every adapter shares.)
 */
import { randomUUID } from 'node:crypto';
import { EventStore, NewEvent, openEventStoreWithSql, SqlDriver } from '@kring/event-store';
import { describeOn, FreshStore, pgliteTarget, postgresTarget, StoreTarget } from '../support/targets';

const event = (type: string, data: Record<string, string | number> = {}): NewEvent => ({ id: randomUUID(), type, data });

function tamperingTests(target: StoreTarget): void {
  describeOn(target, 'Tamper evidence on the SQL stores: the hash chain', () => {
    let tampered: { fresh: FreshStore; store: EventStore; sql: SqlDriver };
    const alter = (statement: string, params: unknown[] = []) => tampered.sql.query(statement, params);
    type Row = Record<string, unknown>;
    const rowAt = async (position: bigint): Promise<Row> =>
      (await alter('SELECT * FROM kring_events WHERE position = $1', [position.toString()]))[0] as Row;
    const putBack = async (row: Row) => {
      await alter('DELETE FROM kring_events WHERE position = $1', [row.position]);
      await alter(
        `INSERT INTO kring_events (position, stream_id, stream_revision, event_id, type, version, data, metadata, recorded_at, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          row.position,
          row.stream_id,
          row.stream_revision,
          row.event_id,
          row.type,
          row.version,
          row.data,
          row.metadata,
          row.recorded_at,
          row.hash,
        ],
      );
    };

    beforeAll(async () => {
      const fresh = await target.fresh('tamper');
      tampered = { fresh, ...(await openEventStoreWithSql(fresh.config)) };
      expect(await tampered.store.chainHead()).toEqual({ position: 0n, hash: '0'.repeat(64) });
      expect(await tampered.store.verifyIntegrity()).toEqual({ checked: 0, head: { position: 0n, hash: '0'.repeat(64) } });
      for (let n = 1; n <= 10; n++)
        await tampered.store.appendToStream(`s-${n % 3}`, [event('Chained', { n }), event('Chained', { n: -n })]);
    });
    afterAll(async () => {
      await tampered?.store.close();
      await tampered?.fresh.dispose();
    });

    it('chains every appended event: the head moves with each append and the whole chain checks out', async () => {
      const head = await tampered.store.chainHead();
      expect(head).toEqual({ position: 20n, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      const progress: bigint[] = [];
      expect(await tampered.store.verifyIntegrity({ onProgress: (upTo) => progress.push(upTo) })).toEqual({ checked: 20, head });
      expect(progress.at(-1)).toBe(20n);
    });

    it('finds an event whose content was changed, and is satisfied again once it is put back', async () => {
      const original = await rowAt(7n);
      await alter(`UPDATE kring_events SET data = '{"n": 99}' WHERE position = 7`);
      expect((await tampered.store.verifyIntegrity()).broken).toEqual({ position: 7n, problem: expect.stringContaining('position 7') });
      await putBack(original);
      expect((await tampered.store.verifyIntegrity()).broken).toBeUndefined();
    });

    it('finds a changed event whose own hash was made to match, at the link after it', async () => {
      const original = await rowAt(5n);
      await alter(`UPDATE kring_events SET metadata = '{"actorId": "someone-else"}' WHERE position = 5`);
      await alter(
        `UPDATE kring_events e SET hash = sha256(p.hash || kring_event_digest(e.position, e.stream_id, e.stream_revision, e.event_id, e.type,
           e.version, e.data, e.metadata, e.recorded_at)) FROM kring_events p WHERE e.position = 5 AND p.position = 4`,
      );
      expect((await tampered.store.verifyIntegrity()).broken?.position).toBe(6n);
      await putBack(original);
    });

    it('finds a removed event, and events moved to other positions', async () => {
      const removed = await rowAt(12n);
      await alter('DELETE FROM kring_events WHERE position = 12');
      expect((await tampered.store.verifyIntegrity()).broken).toEqual({ position: 12n, problem: 'events 12 to 12 are missing' });
      await putBack(removed);
      const [a, b] = [await rowAt(3n), await rowAt(4n)];
      await alter('UPDATE kring_events SET data = $2, type = $3 WHERE position = $1', [3, b.data, b.type]);
      await alter('UPDATE kring_events SET data = $2, type = $3 WHERE position = $1', [4, a.data, a.type]);
      expect((await tampered.store.verifyIntegrity()).broken?.position).toBe(3n);
      await putBack(a);
      await putBack(b);
      expect((await tampered.store.verifyIntegrity()).broken).toBeUndefined();
    });

    it('a chain rewritten from a changed event to the head still checks out alone, but not against an anchored head', async () => {
      const anchor = await tampered.store.chainHead();
      const rows = await Promise.all([15n, 16n, 17n, 18n, 19n, 20n].map(rowAt));
      await alter(`UPDATE kring_events SET data = '{"n": 0}' WHERE position = 15`);
      await alter(`DO $rewrite$ DECLARE r record; BEGIN
        FOR r IN SELECT * FROM kring_events WHERE position >= 15 ORDER BY position LOOP
          UPDATE kring_events SET hash = sha256((SELECT hash FROM kring_events WHERE position = r.position - 1) ||
            kring_event_digest(r.position, r.stream_id, r.stream_revision, r.event_id, r.type, r.version, r.data, r.metadata, r.recorded_at))
          WHERE position = r.position;
        END LOOP; END $rewrite$`);
      expect((await tampered.store.verifyIntegrity()).broken).toBeUndefined();
      expect((await tampered.store.verifyIntegrity({ anchor })).broken).toEqual({
        position: 20n,
        problem: expect.stringContaining('anchored'),
      });
      for (const row of rows) await putBack(row);
      expect((await tampered.store.verifyIntegrity({ anchor })).broken).toBeUndefined();
    });
  });
}

tamperingTests(pgliteTarget);
tamperingTests(postgresTarget);
