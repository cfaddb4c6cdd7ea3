import { eventTypesOf, type ProjectionDefinition } from '@kring/domain';
import type { RecordedEvent, SqlDriver } from '@kring/event-store';
import { DocumentBuffer } from './document-buffer';
import { createIndexesSql, createTablesSql, writeDocuments } from './document-tables';
import { eventsFor, LogReader } from './log-reader';

/**
 * Replays a projection's events up to `position` into a schema of its own ("as of"): the same
 * definition as the live model, so a replay can never disagree with it. The caller drops the schema.
 */
export async function replayInto(
  sql: SqlDriver,
  reader: LogReader,
  definition: ProjectionDefinition,
  schema: string,
  position: bigint,
  commitEvery: number,
): Promise<void> {
  await sql.exec(createTablesSql(definition, schema));
  const buffer = new DocumentBuffer<RecordedEvent>(definition, schema, true);
  const flush = async () => {
    const { rows } = buffer.take();
    await sql.transaction((tx) => writeDocuments(tx, buffer.writesOf(rows)));
    buffer.trim();
  };
  const types = eventTypesOf(definition);
  let after = 0n;
  while (after < position) {
    const events = await reader.read(after, types, position);
    if (events.length === 0) break;
    await buffer.apply(sql, eventsFor(definition, events));
    after = events[events.length - 1].position;
    if (buffer.uncommitted >= commitEvery) await flush();
  }
  await flush();
  const indexes = createIndexesSql(definition, schema);
  if (indexes) await sql.exec(indexes);
}
