import { Client } from 'pg';
import { openEventStore } from '@kring/event-store';
import { describeOn, postgresTarget } from '../support/targets';

describeOn(postgresTarget, 'PostgreSQL live notifications', () => {
  it('re-establishes LISTEN after the server drops that connection, and loses no append meanwhile', async () => {
    const fresh = await postgresTarget.fresh('relisten');
    const follower = await openEventStore(fresh.config);
    const writer = await openEventStore(fresh.config);
    const admin = new Client({ connectionString: fresh.env.KRING_DATABASE_URL });
    await admin.connect();
    try {
      // A poll interval longer than the test: only the (re-established) notification can wake it.
      const subscription = follower.subscribeToAll({ idlePollMs: 120_000 });
      const iterator = subscription[Symbol.asyncIterator]();
      await writer.appendToStream('s', [{ type: 'BeforeDrop', data: {} }]);
      expect((await iterator.next()).value.type).toBe('BeforeDrop');

      const { rowCount } = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND query LIKE 'LISTEN %' AND pid <> pg_backend_pid()`,
      );
      expect(rowCount).toBe(1);
      await writer.appendToStream('s', [{ type: 'WhileDropped', data: {} }]);
      expect((await iterator.next()).value.type).toBe('WhileDropped');
      await writer.appendToStream('s', [{ type: 'AfterReconnect', data: {} }]);
      expect((await iterator.next()).value.type).toBe('AfterReconnect');
      await subscription.close();
    } finally {
      await admin.end();
      await follower.close();
      await writer.close();
      await fresh.dispose();
    }
  });
});
