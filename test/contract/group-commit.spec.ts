/**
 * Group commit in the SQL store (both drivers): appends that arrive while a commit is in flight share
 * the next transaction, and each keeps its own checks and answer.
 */
import { randomUUID } from 'node:crypto';
import {
  IdempotencyKeyReusedError,
  InvalidAppendError,
  openEventStoreWithSql,
  WrongExpectedRevisionError,
  type EventStore,
  type SqlDriver,
} from '@kring/event-store';
import { collect } from '../support/collect';
import { functionSettings, GENERIC_PLANS } from '../support/function-settings';
import { describeOn, type FreshStore, pgliteTarget, postgresTarget, type StoreTarget } from '../support/targets';

function groupCommit(target: StoreTarget): void {
  describeOn(target, 'Group commit', () => {
    let fresh: FreshStore;
    let store: EventStore;
    let sql: SqlDriver;
    beforeAll(async () => {
      fresh = await target.fresh('group-commit');
      ({ store, sql } = await openEventStoreWithSql(fresh.config));
    });
    afterAll(async () => {
      await store?.close();
      await fresh?.dispose();
    });

    it('commits appends made at once in fewer transactions, in order and without gaps; a refused one fails alone', async () => {
      const s = (name: string) => `${name}-${randomUUID()}`;
      const [taken, keyed] = [s('taken'), s('keyed')];
      await store.appendToStream(taken, [{ type: 'First', data: {} }]);
      await store.appendToStream(keyed, [{ type: 'Keyed', data: {} }], { idempotencyKey: { key: `k-${keyed}`, fingerprint: 'a' } });
      const before = await store.headPosition();
      const query = jest.spyOn(sql, 'query');

      const good = Array.from({ length: 40 }, (_, i) => s(`good-${i}`));
      const outcomes = await Promise.allSettled([
        ...good.map((stream) => store.appendToStream(stream, [{ type: 'Good', data: {} }], { expectedRevision: 'no_stream' })),
        store.appendToStream(taken, [{ type: 'Late', data: {} }], { expectedRevision: 'no_stream' }),
        store.appendToStream(s('nul'), [{ type: 'Nul', data: { text: 'a\u0000b' } }]),
        store.appendToStream(s('other'), [{ type: 'Other', data: {} }], { idempotencyKey: { key: `k-${keyed}`, fingerprint: 'b' } }),
        // Two appends to one stream in one group: the second sees the first.
        store.appendToStream(taken, [{ type: 'Second', data: {} }], { expectedRevision: 0n }),
        store.appendToStream(taken, [{ type: 'Third', data: {} }], { expectedRevision: 1n }),
      ]);

      const batches = query.mock.calls.filter(([text]) => text.includes('kring_append_batch')).length;
      query.mockRestore();
      const results = outcomes.slice(0, 40).map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : outcome.reason));
      expect(results.every((result) => !(result instanceof Error) && result.nextExpectedRevision === 0n)).toBe(true);
      const [late, nul, other, second, third] = outcomes.slice(40);
      expect(late).toEqual({ status: 'rejected', reason: expect.any(WrongExpectedRevisionError) });
      expect(nul).toEqual({ status: 'rejected', reason: expect.any(InvalidAppendError) });
      expect(other).toEqual({ status: 'rejected', reason: expect.any(IdempotencyKeyReusedError) });
      expect(second).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 1n } });
      expect(third).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 2n } });

      const written = await collect(store.readAll({ after: before }));
      expect(written.map((event) => event.position)).toEqual(written.map((_, i) => before + BigInt(i + 1)));
      expect(written.map((event) => event.type).sort()).toEqual([...good.map(() => 'Good'), 'Second', 'Third'].sort());
      expect(written.filter((event) => event.streamId === taken).map((event) => event.type)).toEqual(['Second', 'Third']);
      // One statement (one transaction, one commit) per group: 42 appends took far fewer.
      expect(batches).toBeLessThan(42);
      expect(batches).toBeGreaterThan(0);
      expect((await store.verifyIntegrity()).broken).toBeUndefined();
    });

    it('lets writers that append again as soon as they are answered share the next group, rather than leave one of them alone', async () => {
      const query = jest.spyOn(sql, 'query');
      const writers = Array.from({ length: 8 }, () => `writer-${randomUUID()}`);
      await Promise.all(
        writers.map(async (stream) => {
          let expectedRevision: bigint | 'no_stream' = 'no_stream';
          for (let n = 0; n < 20; n++)
            expectedRevision = (await store.appendToStream(stream, [{ type: 'Next', data: { n } }], { expectedRevision }))
              .nextExpectedRevision;
        }),
      );
      const statements = query.mock.calls.filter(([text]) => text.includes('kring_append')).length;
      query.mockRestore();
      // The first append goes alone and the rest queue behind it; from then on all eight go together: about 21
      // statements for 160 appends. Without waiting for them, one went alone before each group of seven (about 40).
      expect(statements).toBeLessThanOrEqual(25);
    });

    it('writes a group nobody in it can be refused from in one pass: each answer, key and link as if appended one by one', async () => {
      const before = await store.headPosition();
      const streams = Array.from({ length: 30 }, () => `one-pass-${randomUUID()}`);
      const key = (stream: string) => ({ key: `k-${stream}`, fingerprint: `f-${stream}` });
      const answers = await Promise.all(
        streams.map((stream, i) =>
          store.appendToStream(
            stream,
            Array.from({ length: (i % 3) + 1 }, (_, n) => ({ type: 'Counted', data: { i, n } })),
            { expectedRevision: 'no_stream', idempotencyKey: key(stream) },
          ),
        ),
      );
      const written = await collect(store.readAll({ after: before }));
      expect(written.map((event) => event.position)).toEqual(written.map((_, i) => before + BigInt(i + 1)));
      for (const [i, stream] of streams.entries()) {
        const events = written.filter((event) => event.streamId === stream);
        expect(events.map((event) => [event.streamRevision, event.data])).toEqual(
          Array.from({ length: (i % 3) + 1 }, (_, n) => [BigInt(n), { i, n }]),
        );
        expect(answers[i]).toEqual({ nextExpectedRevision: BigInt(i % 3), position: events.at(-1)!.position, duplicate: false });
        expect(await store.findIdempotencyKey(key(stream).key)).toEqual({
          fingerprint: key(stream).fingerprint,
          streamId: stream,
          nextExpectedRevision: answers[i].nextExpectedRevision,
          position: answers[i].position,
        });
      }
      // A retry is answered as the first time, in a group or alone.
      const retries = await Promise.all(
        streams.slice(0, 5).map((stream) => store.appendToStream(stream, [{ type: 'Other', data: {} }], { idempotencyKey: key(stream) })),
      );
      expect(retries).toEqual(answers.slice(0, 5).map((answer) => ({ ...answer, duplicate: true })));
      expect(await store.headPosition()).toBe(written.at(-1)!.position);
      expect((await store.verifyIntegrity()).broken).toBeUndefined();
    });

    it('waitForHead answers from an append it made without asking the database for the head', async () => {
      const before = await store.headPosition();
      const { position } = await store.appendToStream(`heard-${randomUUID()}`, [{ type: 'Heard', data: {} }]);
      const query = jest.spyOn(sql, 'query');
      expect(await store.waitForHead(before, 5000)).toBe(position);
      const asked = query.mock.calls.filter(([text]) => text.includes('max(position)')).length;
      query.mockRestore();
      expect(asked).toBe(0);
      // Past what it heard of, it asks, and waits.
      expect(await store.waitForHead(position, 50)).toBe(position);
    });

    it('runs the append functions on generic plans: their statements are not planned again on every call', async () => {
      const names = ['kring_append', 'kring_append_batch', 'kring_append_each'];
      expect(await functionSettings(sql, names)).toEqual(Object.fromEntries(names.map((name) => [name, GENERIC_PLANS])));
    });
  });
}

groupCommit(pgliteTarget);
groupCommit(postgresTarget);
