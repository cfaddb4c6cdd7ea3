import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SqlDriver } from '@kring/event-store';
import { activeGeneration } from '@kring/projections';
import { SQL_DRIVER } from '../../apps/api/src/event-store/event-store.module';
import { RunningApi, startApi } from '../support/api';
import { networkCharter, newParticipant } from '../support/fixtures';
import { TEST_MASTER_KEY } from '../support/graphql-client';
import { describeOn, pgliteTarget, postgresTarget, StoreTarget } from '../support/targets';

interface Verification {
  intact: boolean;
  checkedEvents: number;
  checkedEntries: number;
  headPosition: string;
  headHash: string;
  brokenAt: string | null;
  problem: string | null;
}

const VERIFY = `query($p: Position, $h: String) { verifyAccessLog(anchorPosition: $p, anchorHash: $h) {
  intact checkedEvents checkedEntries headPosition headHash brokenAt problem } }`;

function integrityOnStore(target: StoreTarget): void {
  describeOn(target, 'A tamper-evident access log', () => {
    let api: RunningApi;
    let sql: SqlDriver;
    let auditor: string;
    let subject: string;
    let intact: Verification;

    const verify = async (anchor?: { p: string; h: string }) => {
      const response = await api.graphql<{ verifyAccessLog: Verification }>(VERIFY, anchor ?? {}, auditor);
      if (response.errors) throw new Error(JSON.stringify(response.errors));
      return response.data!.verifyAccessLog;
    };
    /** The access log of the subject as an auditor reads it (the query waits for its own entry, so for all before it). */
    const entries = async () => {
      const log = await api.graphql<{ accessLog: Array<{ position: string; what: string; purpose: string }> }>(
        'query($s: ID!) { accessLog(subjectId: $s) { position what purpose actionCode sourceSystem } }',
        { s: subject },
        auditor,
      );
      if (log.errors) throw new Error(JSON.stringify(log.errors));
      return log.data!.accessLog;
    };
    const accessTable = async () => `${(await activeGeneration(sql, 'access'))!.schema}.entries`;

    beforeAll(async () => {
      api = await startApi(target, 'integrity');
      sql = api.app.get<SqlDriver>(SQL_DRIVER);
      auditor = await api.token('auditor-1', ['AUDITOR']);
      const leader = await api.token('leader-1', ['PROJECT_LEADER']);
      const networkId = (await api.mutate('startNetwork', networkCharter('PEER_NETWORK'), leader)).id;
      subject = (await api.mutate('registerParticipant', newParticipant('Ilse'), leader)).id;
      const joined = await api.mutate(
        'joinNetwork',
        { networkId, participantId: subject, role: 'PARTICIPANT', joinedOn: '2024-01-02' },
        leader,
      );
      await api.graphql(
        'query($id: ID!, $after: Position) { network(id: $id, after: $after) { members { displayName } } }',
        {
          id: networkId,
          after: joined.position,
        },
        leader,
      );
      expect((await entries()).map((e) => e.what)).toEqual([
        'ParticipantRegistered',
        'ParticipantJoined',
        'Network.members.displayName',
        'accessLog',
      ]);
    });
    afterAll(() => api?.close());

    it('verifies as intact, with the head of the chain to keep elsewhere, and holds the NEN 7513 fields', async () => {
      intact = await verify();
      expect(intact).toEqual({
        intact: true,
        checkedEvents: Number(intact.headPosition),
        checkedEntries: expect.any(Number),
        headPosition: expect.stringMatching(/^\d+$/),
        headHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        brokenAt: null,
        problem: null,
      });
      expect(intact.checkedEntries).toBeGreaterThanOrEqual(4);
      expect(await entries()).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            what: 'Network.members.displayName',
            actionCode: 'R',
            sourceSystem: expect.stringMatching(/^kring-api@/),
          }),
        ]),
      );
    });

    it('names the first broken link when a stored entry is altered with SQL, in the log or in the table auditors read', async () => {
      const read = (await entries()).find((e) => e.what === 'Network.members.displayName')!;
      const [original] = await sql.query<{ data: unknown }>('SELECT data FROM kring_events WHERE position = $1', [read.position]);
      await sql.query(`UPDATE kring_events SET data = jsonb_set(data, '{purpose}', '"niets aan de hand"') WHERE position = $1`, [
        read.position,
      ]);
      expect(await verify()).toMatchObject({
        intact: false,
        brokenAt: read.position,
        problem: expect.stringContaining(`position ${read.position}`),
      });
      await sql.query('UPDATE kring_events SET data = $2 WHERE position = $1', [read.position, original.data]);
      expect((await verify()).intact).toBe(true);

      const table = await accessTable();
      await sql.query(`UPDATE ${table} SET doc = jsonb_set(doc::jsonb, '{purpose}', '"iets anders"') WHERE position = $1`, [read.position]);
      expect(await verify()).toMatchObject({
        intact: false,
        brokenAt: read.position,
        problem: expect.stringContaining('differs from the event'),
      });
      await sql.query(`UPDATE ${table} SET doc = jsonb_set(doc::jsonb, '{purpose}', to_jsonb($2::text)) WHERE position = $1`, [
        read.position,
        read.purpose,
      ]);
      expect((await verify()).intact).toBe(true);

      const [row] = await sql.query<{ key: string; doc: unknown; subject_id: string; position: string }>(
        `SELECT key, doc, subject_id, position FROM ${table} WHERE position = $1`,
        [read.position],
      );
      await sql.query(`DELETE FROM ${table} WHERE key = $1`, [row.key]);
      expect(await verify()).toMatchObject({ intact: false, brokenAt: read.position, problem: expect.stringContaining('is missing') });
      await sql.query(`INSERT INTO ${table} (key, doc, subject_id, position) VALUES ($1, $2, $3, $4)`, [
        row.key,
        row.doc,
        row.subject_id,
        row.position,
      ]);
      await sql.query(`INSERT INTO ${table} (key, doc, subject_id, position) VALUES ('forged', $1, $2, $3)`, [
        { ...(row.doc as object), id: 'forged' },
        row.subject_id,
        row.position,
      ]);
      expect(await verify()).toMatchObject({ intact: false, problem: expect.stringContaining('that no event made') });
      await sql.query(`DELETE FROM ${table} WHERE key = 'forged'`);
      expect(await verify({ p: intact.headPosition, h: intact.headHash })).toMatchObject({ intact: true });
    });

    it('refuses an anchor that is not a hash, and checks a kept head', async () => {
      const refused = await api.graphql(VERIFY, { p: '1', h: 'not-a-hash' }, auditor);
      expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(await verify({ p: intact.headPosition, h: 'f'.repeat(64) })).toMatchObject({
        intact: false,
        brokenAt: intact.headPosition,
        problem: expect.stringContaining('anchored'),
      });
    });

    it('`npm run kring -- verify-access-log` says the same from the command line, and fails on a broken log', async () => {
      await api.stop();
      const kring = (...args: string[]) =>
        promisify(execFile)(join(__dirname, '../../node_modules/.bin/tsx'), [join(__dirname, '../../apps/cli/src/kring.ts'), ...args], {
          env: { ...process.env, KRING_DATA_DIR: '', KRING_DATABASE_URL: '', KRING_MASTER_KEY: TEST_MASTER_KEY, ...api.fresh.env },
        }).then(
          ({ stdout }) => ({ code: 0, stdout }),
          (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
        );
      const good = await kring('verify-access-log', '--json', '--anchor', `${intact.headPosition}:${intact.headHash}`);
      expect(good.code).toBe(0);
      expect(JSON.parse(good.stdout)).toMatchObject({ intact: true, head: expect.stringMatching(/^\d+:[0-9a-f]{64}$/) });

      // Altered while nothing runs: the command finds it.
      const { store, sql: offline } = await (await import('@kring/event-store')).openEventStoreWithSql(api.fresh.config);
      await offline.query(`UPDATE kring_events SET metadata = jsonb_set(metadata, '{actorId}', '"iemand anders"') WHERE position = 2`);
      await store.close();
      const bad = await kring('verify-access-log', '--json');
      expect(bad.code).toBe(1);
      expect(JSON.parse(bad.stdout)).toMatchObject({ intact: false, brokenAt: '2' });
      expect((await kring('verify-access-log')).stdout).toContain('BROKEN at position 2');
    });
  });
}

integrityOnStore(pgliteTarget);
integrityOnStore(postgresTarget);
