import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { openEventStore } from '@kring/event-store';
import { collect } from '../support/collect';
import { eventually } from '../support/eventually';
import type { StoreTarget } from '../support/targets';
import { crashEventData } from './crash-data';

interface Ack {
  n: number;
  streamId: string;
  ids: string[];
  revision: string;
}

const ACKS_BEFORE_KILL = 300;

/**
 * A child process appends in a loop and is killed with SIGKILL mid-append. After reopening the
 * store (PGlite: a stale lock and crash recovery), every acknowledged event must be there, intact;
 * the append in flight must be there whole or not at all; and the store must take new appends.
 */
export async function runCrashTest(target: StoreTarget): Promise<void> {
  const fresh = await target.fresh('crash');
  const run = `crash-${randomUUID()}`;
  try {
    const acks: Ack[] = [];
    let stderr = '';
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'crash-writer.ts')], {
      env: { ...process.env, KRING_DATABASE_URL: '', KRING_EVENT_STORE: '', KRING_DATA_DIR: '', ...fresh.env, KRING_TEST_CRASH_RUN: run },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('ACK ')) acks.push(JSON.parse(line.slice(4)) as Ack);
    });

    // Killed at a moment that differs from run to run: a few more acknowledgements in, mid-append.
    const killAt = ACKS_BEFORE_KILL + Math.floor(Math.random() * 10);
    await eventually(
      `${killAt} appends were acknowledged`,
      () => {
        if (child.exitCode !== null) throw new Error(`crash writer stopped early (${acks.length} acks): ${stderr}`);
        return acks.length >= killAt;
      },
      45_000,
    );
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const store = await openEventStore(fresh.config);
    try {
      const log = (await collect(store.readAll())).filter((event) => event.streamId.startsWith(`${run}-`));
      const byId = new Map(log.map((event) => [event.id, event]));

      for (const ack of acks) {
        ack.ids.forEach((id, i) => {
          const stored = byId.get(id);
          expect(stored).toBeDefined();
          expect(stored).toMatchObject({
            streamId: ack.streamId,
            type: 'CrashTested',
            data: crashEventData(ack.n, i),
            streamRevision: BigInt(ack.revision) - BigInt(ack.ids.length - 1 - i),
          });
        });
      }
      // The append in flight at the kill is all there or not at all; nothing else is there.
      const perAppend = new Map<number, number>();
      for (const event of log) perAppend.set(event.data.n as number, (perAppend.get(event.data.n as number) ?? 0) + 1);
      for (const [n, count] of perAppend) expect(count).toBe(1 + (n % 3));
      expect(log.length - acks.reduce((sum, ack) => sum + ack.ids.length, 0)).toBeLessThanOrEqual(3);
      for (let i = 1; i < log.length; i++) expect(log[i].position > log[i - 1].position).toBe(true);

      const after = await store.appendToStream('crash-after', [{ type: 'Recovered', data: {} }]);
      expect(after.position).toBeGreaterThan(log.at(-1)?.position ?? 0n);
      console.info(`[${target.adapter}] crash: killed after ${acks.length} acknowledged appends; ${log.length} events recovered intact`);
    } finally {
      await store.close();
    }
  } finally {
    await fresh.dispose();
  }
}
