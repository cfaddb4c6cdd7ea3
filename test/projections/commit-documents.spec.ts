import { type AnyCollection, collection } from '@kring/domain';
import { migrate, openSqlDriver, readModelsOf, type SqlDriver } from '@kring/event-store';
import { createIndexesSql, rowsOf, writesOf } from '../../libs/projections/src/document-tables';
import { LostLeadershipError, ProjectionFailedError } from '../../libs/projections/src/errors';
import { type Generation, GenerationTable, schemaOf } from '../../libs/projections/src/generations';
import { PROJECTION_MIGRATIONS, STATUS_CHANNEL } from '../../libs/projections/src/projection-schema';
import { eventually } from '../support/eventually';
import { functionSettings, GENERIC_PLANS } from '../support/function-settings';
import { describeOn, FreshStore, pgliteTarget, postgresTarget, StoreTarget } from '../support/targets';

interface Doc {
  count: number;
}
const docs: AnyCollection = collection<never, Doc>()({
  name: 'docs',
  columns: { count: { type: 'integer', of: (d) => d.count } },
  keys: () => [],
  evolve: (doc) => doc,
});
const definition = (name: string) => ({ name, version: 1, events: {}, collections: [docs] });

function commitTest(target: StoreTarget): void {
  describeOn(target, 'A commit of documents and checkpoints in one statement (kring_commit_documents)', () => {
    let fresh: FreshStore;
    let sql: SqlDriver;
    let generations: GenerationTable;
    beforeAll(async () => {
      fresh = await target.fresh('commit-documents');
      sql = await openSqlDriver(readModelsOf(fresh.config));
      await migrate(sql, PROJECTION_MIGRATIONS);
      generations = new GenerationTable(sql, () => undefined);
    });
    afterAll(async () => {
      await sql?.close();
      await fresh?.dispose();
    });

    /** A generation whose tables have their key index, as a live one's have: its writes upsert. */
    const created = async (name: string) => {
      const generation = await generations.create(definition(name), []);
      await sql.exec(createIndexesSql(definition(name), schemaOf(name, generation.generation)));
      return generation;
    };
    const entry = (generation: Generation, documents: Record<string, Doc | undefined>) => ({
      generation,
      statements: writesOf(schemaOf(generation.name, generation.generation), docs, rowsOf(docs, new Map(Object.entries(documents))))
        .statements,
    });
    const stored = async (generation: Generation) =>
      sql.query<{ key: string; count: number }>(
        `SELECT key, count FROM ${schemaOf(generation.name, generation.generation)}.docs ORDER BY key`,
      );
    const checkpointOf = async (generation: Generation) =>
      (await generations.of(generation.name)).find((g) => g.generation === generation.generation)!.checkpoint;

    it('runs on a generic plan: its own statements are not planned again on every call', async () => {
      expect(await functionSettings(sql, ['kring_commit_documents'])).toEqual({ kring_commit_documents: GENERIC_PLANS });
    });

    it('writes every generation’s documents, advances their checkpoints and announces each', async () => {
      const [a, b] = [await created('alpha'), await created('beta')];
      const heard: string[] = [];
      // An empty payload is the driver's own wake-up on (re)connecting.
      const stop = await sql.listen(STATUS_CHANNEL, (payload) => payload && heard.push(payload));
      const live = await generations.commit(sql, [entry(a, { x: { count: 1 }, y: { count: 2 } }), entry(b, { z: { count: 3 } })], 7n);
      expect(live).toEqual([a, b]);
      expect(await stored(a)).toEqual([
        { key: 'x', count: 1 },
        { key: 'y', count: 2 },
      ]);
      expect(await stored(b)).toEqual([{ key: 'z', count: 3 }]);
      expect([await checkpointOf(a), await checkpointOf(b)]).toEqual([7n, 7n]);

      // Removals and updates in the next commit, from the checkpoint just set.
      a.checkpoint = b.checkpoint = 7n;
      await generations.commit(sql, [entry(a, { x: undefined, y: { count: 20 } }), entry(b, {})], 9n);
      expect(await stored(a)).toEqual([{ key: 'y', count: 20 }]);
      expect(await checkpointOf(b)).toBe(9n);
      await eventually('both commits were announced for both generations', () => heard.length === 4);
      await stop();
      expect(heard.map((payload) => JSON.parse(payload) as { name: string; checkpoint: string })).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'alpha', checkpoint: '7' }),
          expect.objectContaining({ name: 'beta', checkpoint: '7' }),
          expect.objectContaining({ name: 'alpha', checkpoint: '9' }),
          expect.objectContaining({ name: 'beta', checkpoint: '9' }),
        ]),
      );
    });

    it('leaves a retired generation out, marked retired, and writes the others', async () => {
      const [gone, kept] = [await created('gone'), await created('kept')];
      await generations.retire({ ...gone });
      const live = await generations.commit(sql, [entry(gone, { x: { count: 1 } }), entry(kept, { x: { count: 1 } })], 3n);
      expect(live).toEqual([kept]);
      expect(gone.state).toBe('retired');
      expect(await stored(gone)).toEqual([]);
      expect([await checkpointOf(gone), await checkpointOf(kept)]).toEqual([0n, 3n]);
    });

    it('refuses, writing nothing, when a checkpoint moved under this process', async () => {
      const [mine, moved] = [await created('mine'), await created('moved')];
      await sql.query(`UPDATE kring_projections SET checkpoint = 5 WHERE name = 'moved'`);
      await expect(
        generations.commit(sql, [entry(mine, { x: { count: 1 } }), entry(moved, { x: { count: 1 } })], 8n),
      ).rejects.toBeInstanceOf(LostLeadershipError);
      expect([await stored(mine), await stored(moved)]).toEqual([[], []]);
      expect([await checkpointOf(mine), await checkpointOf(moved)]).toEqual([0n, 5n]);
    });

    it('names the generation whose write failed, with the database’s own SQLSTATE, and writes nothing', async () => {
      const [fine, broken] = [await created('fine'), await created('broken')];
      const refused = entry(broken, { x: { count: 'not a number' as unknown as number } });
      const error = await generations.commit(sql, [entry(fine, { x: { count: 1 } }), refused], 4n).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProjectionFailedError);
      expect(error).toMatchObject({ projection: 'broken', message: expect.stringContaining('writing its documents up to position 4') });
      expect((error as Error).cause).toMatchObject({ code: '22P02', message: expect.stringContaining('integer') });
      expect([await stored(fine), await stored(broken)]).toEqual([[], []]);
      expect([await checkpointOf(fine), await checkpointOf(broken)]).toEqual([0n, 0n]);
    });
  });
}

commitTest(pgliteTarget);
commitTest(postgresTarget);
