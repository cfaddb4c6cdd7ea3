import { type AnyCollection, collection } from '@kring/domain';
import { openSqlDriver, readModelsOf, type SqlDriver } from '@kring/event-store';
import {
  COPY_FROM_ROWS,
  createTablesSql,
  type DocumentRows,
  loadDocuments,
  rowsOf,
  writeDocuments,
  writesOf,
} from '../../libs/projections/src/document-tables';
import { describeOn, FreshStore, pgliteTarget, postgresTarget, StoreTarget } from '../support/targets';

interface Doc {
  text: string;
  count: number | null;
  nested: { list: string[] };
}

/** Columns of every kind that COPY must carry as PostgreSQL reads them. */
const docs: AnyCollection = collection<never, Doc>()({
  name: 'docs',
  columns: {
    text: { type: 'text', of: (d) => d.text },
    count: { type: 'integer', of: (d) => d.count },
    ratio: { type: 'float', of: (d) => (d.count === null ? null : d.count / 4) },
    flagged: { type: 'boolean', of: (d) => d.text.includes('\\') },
    day: { type: 'date', of: () => '2026-11-23' },
  },
  keys: () => [],
  evolve: (doc) => doc,
});
const projection = { name: 'writes', version: 1, events: {}, collections: [docs] };

/** Text that COPY's format must escape, and some it must not touch. */
const awkward = (i: number) => `back\\slash\ttab\nline\rreturn "quote" \\N ${i} é ✓ \\.`;

function writeTest(target: StoreTarget): void {
  describeOn(target, 'Document writes, small (one upsert) and large (COPY)', () => {
    let fresh: FreshStore;
    let sql: SqlDriver;
    beforeAll(async () => {
      fresh = await target.fresh('document-writes');
      sql = await openSqlDriver(readModelsOf(fresh.config));
    });
    afterAll(async () => {
      await sql?.close();
      await fresh?.dispose();
    });

    const writeRows = (schema: string, rows: DocumentRows) => sql.transaction((tx) => writeDocuments(tx, writesOf(schema, docs, rows)));
    const write = (schema: string, documents: Map<string, Doc | undefined>) => writeRows(schema, rowsOf(docs, documents));
    const read = async (schema: string) =>
      sql.query<Record<string, unknown>>(`SELECT key, doc, text, count, ratio, flagged, day::text FROM ${schema}.docs ORDER BY key`);
    const many = (from: number, count: number, version: string) =>
      new Map<string, Doc | undefined>(
        Array.from({ length: count }, (_, n) => {
          const i = from + n;
          return [
            `${awkward(i)}/${i}`,
            { text: `${awkward(i)} ${version}`, count: i % 7 === 0 ? null : i, nested: { list: [awkward(i)] } },
          ];
        }),
      );

    it('a large write (new rows, replaced rows, removed rows) stores exactly what the small writes store', async () => {
      expect(rowsOf(docs, many(0, COPY_FROM_ROWS, 'v1')).upserts).toHaveProperty('copy');
      expect(rowsOf(docs, many(0, COPY_FROM_ROWS - 1, 'v1')).upserts).toHaveProperty('json');

      await sql.exec(`${createTablesSql(projection, 'by_copy')}; ${createTablesSql(projection, 'by_upsert')}`);
      const first = many(0, 2 * COPY_FROM_ROWS, 'v1');
      // The second write replaces half the first, removes a quarter, and adds new rows.
      const second = many(COPY_FROM_ROWS, 2 * COPY_FROM_ROWS, 'v2');
      for (const key of [...first.keys()].slice(0, COPY_FROM_ROWS / 2)) second.set(key, undefined);

      for (const documents of [first, second]) {
        await write('by_copy', documents);
        const entries = [...documents];
        for (let i = 0; i < entries.length; i += COPY_FROM_ROWS - 1)
          await write('by_upsert', new Map(entries.slice(i, i + COPY_FROM_ROWS - 1)));
      }
      const byCopy = await read('by_copy');
      expect(byCopy).toEqual(await read('by_upsert'));
      expect(byCopy).toHaveLength(2.5 * COPY_FROM_ROWS);

      const replaced = `${awkward(COPY_FROM_ROWS)}/${COPY_FROM_ROWS}`;
      const loaded = await loadDocuments(sql, 'by_copy', docs, new Set([replaced]));
      expect(loaded.get(replaced)).toEqual(second.get(replaced));
      const row = byCopy.find((r) => r.key === replaced)!;
      expect(row).toMatchObject({
        text: `${awkward(COPY_FROM_ROWS)} v2`,
        count: COPY_FROM_ROWS,
        ratio: COPY_FROM_ROWS / 4,
        flagged: true,
        day: '2026-11-23',
      });
      expect(byCopy.filter((r) => r.count === null && r.ratio === null).length).toBeGreaterThan(0);
    });

    it('a large write of documents known to have no row yet deletes nothing first, and stores what the upserts store', async () => {
      await sql.exec(`${createTablesSql(projection, 'new_by_copy')}; ${createTablesSql(projection, 'new_by_upsert')}`);
      const documents = many(0, COPY_FROM_ROWS, 'v1');
      const rows = rowsOf(docs, documents, new Set(documents.keys()));
      expect(rows.upserts).toMatchObject({ keys: [] });
      await writeRows('new_by_copy', rows);
      const entries = [...documents];
      await write('new_by_upsert', new Map(entries.slice(0, COPY_FROM_ROWS - 1)));
      await write('new_by_upsert', new Map(entries.slice(COPY_FROM_ROWS - 1)));
      expect(await read('new_by_copy')).toEqual(await read('new_by_upsert'));
    });
  });
}

writeTest(pgliteTarget);
writeTest(postgresTarget);
