import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { constants, createReadStream, createWriteStream } from 'node:fs';
import { access, rename, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import {
  EvaluationConsents,
  EvaluationExporter,
  EXPORT_FORMAT,
  EXPORT_VERSION,
  type ExportedEvent,
  type ExportHeader,
  fromExport,
  type StoredEvent,
} from '@kring/domain';
import type { EventStore } from '@kring/event-store';
import { masterKeyFromEnv } from '@kring/privacy';

/** Keyed with a key derived from the master key: the same person has the same pseudonym in every export of this installation, and nobody without the key can compute it. */
function pseudonyms(): (participantId: string) => string {
  const key = masterKeyFromEnv().derive('evaluation pseudonyms');
  return (participantId) => `p-${createHmac('sha256', key).update(participantId).digest('hex').slice(0, 32)}`;
}

async function* recordedBy(store: EventStore, asOf: Date | undefined): AsyncGenerator<StoredEvent> {
  for await (const event of store.readAll({ batchSize: 5000 })) {
    if (asOf && event.recordedAt > asOf) return;
    yield event;
  }
}

/**
 * `kring export --pseudonymised --out FILE`: JSON Lines, a header and then the events impact figures
 * need (see EvaluationExporter). Two passes over the log: who consented is known only at its end.
 * Written beside FILE and renamed into place, so a failed export leaves no half file.
 */
export async function exportForEvaluation(store: EventStore, out: string, asOf?: Date): Promise<{ events: number }> {
  const consents = new EvaluationConsents();
  let head = 0n;
  for await (const event of recordedBy(store, asOf)) {
    consents.add(event);
    head = event.position;
  }
  const exporter = new EvaluationExporter(consents, pseudonyms());
  const partial = `${out}.partial`;
  const file = createWriteStream(partial, { mode: 0o600 });
  const write = async (line: object) => {
    if (!file.write(`${JSON.stringify(line)}\n`)) await once(file, 'drain');
  };
  let events = 0;
  try {
    await write({ format: EXPORT_FORMAT, version: EXPORT_VERSION, headPosition: head.toString() } satisfies ExportHeader);
    for await (const event of recordedBy(store, asOf)) {
      if (event.position > head) break;
      const exported = exporter.exported(event);
      if (exported) {
        await write(exported);
        events++;
      }
    }
    await new Promise<void>((resolve, reject) => file.end((error?: Error | null) => (error ? reject(error) : resolve())));
    await rename(partial, out);
  } catch (error) {
    file.destroy();
    await rm(partial, { force: true });
    throw error;
  }
  return { events };
}

/** The events of an export, for `kring impact --from-export`; refuses a file that is not one. */
export async function* exportedEvents(path: string): AsyncGenerator<StoredEvent> {
  try {
    await access(path, constants.R_OK);
  } catch {
    throw new Error(`cannot read the export ${path}: no such file, or not readable`);
  }
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let header: ExportHeader | undefined;
  for await (const line of lines) {
    if (!header) {
      try {
        header = JSON.parse(line) as ExportHeader;
      } catch {
        header = undefined;
      }
      if (header?.format !== EXPORT_FORMAT)
        throw new Error(`${path} is not a Kring evaluation export (made by \`kring export --pseudonymised\`)`);
      if (header.version !== EXPORT_VERSION)
        throw new Error(`${path} is an export of version ${header.version}; this kring reads version ${EXPORT_VERSION}`);
      continue;
    }
    yield fromExport(JSON.parse(line) as ExportedEvent);
  }
  if (!header) throw new Error(`${path} is empty: not a Kring evaluation export`);
}
