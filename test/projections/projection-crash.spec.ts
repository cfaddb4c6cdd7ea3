import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { EventStore, openEventStoreWithSql } from '@kring/event-store';
import { ProjectionEngine } from '@kring/projections';
import { dumpReadModels } from '../support/read-models';
import { PROJECTIONS } from '@kring/domain';
import { generateRealisticLog } from '../support/realistic-log';
import { describeOn, FreshStore, pgliteTarget, postgresTarget, StoreTarget } from '../support/targets';

function crashTest(target: StoreTarget): void {
  describeOn(target, 'Projections survive a crash mid-catch-up', () => {
    let fresh: FreshStore;

    beforeAll(async () => {
      fresh = await target.fresh('projection-crash');
      const { store, sql } = await openEventStoreWithSql(fresh.config);
      await generateRealisticLog(store, 6_000);
      await sql.close();
    });
    afterAll(() => fresh?.dispose());

    it('killed with SIGKILL while catching up, a restarted projector ends identical to a fresh rebuild', async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'projector-child.ts')], {
        env: { ...process.env, KRING_DATABASE_URL: '', KRING_DATA_DIR: '', ...fresh.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      let applied = 0;
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<string | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          applied += chunk
            .toString()
            .split('\n')
            .filter((line) => line.startsWith('APPLIED')).length;
          // Mid-catch-up: some batches committed, most of the log still to come.
          if (applied >= 8) resolve();
        });
        child.on('exit', () => reject(new Error(`the projector exited early: ${stderr}`)));
      });
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');

      const { store, sql } = await openEventStoreWithSql(fresh.config);
      const engine = new ProjectionEngine(store, sql, PROJECTIONS, { batchSize: 100, commitEvery: 100 });
      try {
        const checkpoints = await sql.query<{ name: string; checkpoint: bigint }>(
          `SELECT name, checkpoint FROM kring_projections WHERE state = 'active' OR state = 'building'`,
        );
        const head = await store.headPosition();
        // The kill came mid-catch-up: something was committed, and not everything.
        expect(checkpoints.some((c) => c.checkpoint > 0n)).toBe(true);
        expect(checkpoints.some((c) => c.checkpoint < head)).toBe(true);

        await engine.start();
        await engine.waitFor(engine.projections, head, 120_000);
        const resumed = await dumpReadModels(engine, sql);
        for (const projection of PROJECTIONS) await engine.rebuild(projection.name);
        const rebuilt = await dumpReadModels(engine, sql);
        expect(Object.values(resumed).every((rows) => rows.length > 0)).toBe(true);
        expect(rebuilt).toEqual(resumed);
      } finally {
        await engine.stop();
        await (store as EventStore).close();
      }
    });
  });
}

crashTest(pgliteTarget);
crashTest(postgresTarget);
