import { Client } from 'pg';
import { openEventStore, openEventStoreWithSql, openSqlDriver } from '@kring/event-store';
import { eventually } from '../support/eventually';
import { describeOn, postgresTarget } from '../support/targets';

/** Backends of the current database (other than the asking one) whose last statement was a LISTEN or UNLISTEN. */
const listeningBackends = async (admin: Client) =>
  (
    await admin.query(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND query ~ '^(UN)?LISTEN ' AND state = 'idle' AND pid <> pg_backend_pid()`,
    )
  ).rowCount;

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

  it('hears every channel of a driver on one connection, stops hearing a channel its last listener left, and hears them all again after a drop', async () => {
    const fresh = await postgresTarget.fresh('one-listener');
    const driver = await openSqlDriver({ adapter: 'postgres', connectionString: fresh.env.KRING_DATABASE_URL });
    const admin = new Client({ connectionString: fresh.env.KRING_DATABASE_URL });
    await admin.connect();
    const heard: Record<string, string[]> = { a: [], alsoA: [], b: [] };
    const hearing = (name: string) => (payload: string) => heard[name].push(payload || '(reconnected)');
    const notify = (channel: string, payload: string) => admin.query('SELECT pg_notify($1, $2)', [channel, payload]);
    try {
      const stopA = await driver.listen('kring_test_a', hearing('a'));
      const stopAlsoA = await driver.listen('kring_test_a', hearing('alsoA'));
      const stopB = await driver.listen('kring_test_b', hearing('b'));
      expect(await listeningBackends(admin)).toBe(1);
      await notify('kring_test_a', '1');
      await notify('kring_test_b', '2');
      await eventually('both channels are heard', () => heard.b.includes('2') && heard.alsoA.includes('1'));

      await stopA();
      await notify('kring_test_a', '3');
      await eventually('the other listener of the channel hears on', () => heard.alsoA.includes('3'));
      await stopAlsoA();
      // One transaction, delivered in order: once b hears 5, 4 would have been heard.
      await admin.query("SELECT pg_notify('kring_test_a', '4'), pg_notify('kring_test_b', '5')");
      await eventually('b hears on', () => heard.b.includes('5'));
      expect(heard).toEqual({ a: ['(reconnected)', '1'], alsoA: ['(reconnected)', '1', '3'], b: ['(reconnected)', '2', '5'] });

      const stopAgain = await driver.listen('kring_test_a', hearing('a'));
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
      // Sent until heard: whatever was sent while the connection was down is lost (the listeners hear '' and read again).
      await eventually('both channels are heard after the drop', async () => {
        await notify('kring_test_a', '6');
        await notify('kring_test_b', '7');
        return heard.a.includes('6') && heard.b.includes('7');
      });
      expect(heard.a.filter((payload) => payload === '(reconnected)')).toHaveLength(3);
      expect(heard.b.filter((payload) => payload === '(reconnected)')).toHaveLength(2);

      await stopAgain();
      await stopB();
      await eventually('the listening connection ends with its last listener', async () => (await listeningBackends(admin)) === 0);
    } finally {
      await admin.end();
      await driver.close();
      await fresh.dispose();
    }
  });

  it('answers waitForHead from another process’s append it heard of through NOTIFY, without asking for the head', async () => {
    const fresh = await postgresTarget.fresh('heard-head');
    const { store: follower, sql } = await openEventStoreWithSql(fresh.config);
    const writer = await openEventStore(fresh.config);
    try {
      await follower.waitForHead(0n, 1); // listening from here on
      const { position } = await writer.appendToStream('s', [{ type: 'Elsewhere', data: {} }]);
      const query = jest.spyOn(sql, 'query');
      try {
        // Once the append's NOTIFY has arrived, the follower answers from it alone.
        await eventually('the follower answers from the NOTIFY without asking for the head', async () => {
          query.mockClear();
          const head = await follower.waitForHead(0n, 10_000);
          return head === position && !query.mock.calls.some(([text]) => text.includes('max(position)'));
        });
      } finally {
        query.mockRestore();
      }
    } finally {
      await follower.close();
      await writer.close();
      await fresh.dispose();
    }
  });
});
