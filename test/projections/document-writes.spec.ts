import { type AnyCollection, collection } from '@kring/domain';
import { openSqlDriver, readModelsOf, type SqlDriver } from '@kring/event-store';
import {
  COPY_FROM_ROWS,
  createIndexesSql,
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
    /** Tables as a switched generation has them: with their key index, so small writes upsert. */
    const indexedTables = (...schemas: string[]) =>
      sql.exec(schemas.map((schema) => `${createTablesSql(projection, schema)}; ${createIndexesSql(projection, schema)}`).join(';\n'));
    const keyIndexOf = async (schema: string) =>
      sql.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname = 'docs_pkey'`, [schema]);
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

      await indexedTables('by_copy', 'by_upsert');
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

    it('documents are stored as json; a table made before, holding jsonb, is written and read the same way', async () => {
      await indexedTables('as_json');
      // The DDL of tables made before: the same, with jsonb documents.
      await sql.exec(
        `${createTablesSql(projection, 'as_jsonb').replace(/doc json NOT NULL/g, 'doc jsonb NOT NULL')}; ${createIndexesSql(projection, 'as_jsonb')}`,
      );
      const typeOf = async (schema: string) =>
        (
          await sql.query<{ data_type: string }>(
            `SELECT data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'docs' AND column_name = 'doc'`,
            [schema],
          )
        ).map((row) => row.data_type);
      expect(await typeOf('as_json')).toEqual(['json']);
      expect(await typeOf('as_jsonb')).toEqual(['jsonb']);

      const large = many(0, COPY_FROM_ROWS, 'v1');
      const small = new Map([
        ...many(COPY_FROM_ROWS, 3, 'v1'),
        [[...large.keys()][0], { text: 'replaced', count: 2, nested: { list: ['x'] } }],
      ]);
      for (const schema of ['as_json', 'as_jsonb']) for (const documents of [large, small]) await write(schema, documents);
      const rows = await read('as_json');
      expect(rows).toHaveLength(COPY_FROM_ROWS + 3);
      expect(rows).toEqual(await read('as_jsonb'));
      const keys = new Set([...small.keys()]);
      const loaded = await loadDocuments(sql, 'as_json', docs, keys);
      expect(loaded).toEqual(await loadDocuments(sql, 'as_jsonb', docs, keys));
      expect([...loaded.values()]).toEqual(expect.arrayContaining([...small.values()]));
    });

    it('a large write of documents known to have no row yet deletes nothing first, and stores what the upserts store', async () => {
      await indexedTables('new_by_copy', 'new_by_upsert');
      const documents = many(0, COPY_FROM_ROWS, 'v1');
      const rows = rowsOf(docs, documents, new Set(documents.keys()));
      expect(rows.upserts).toMatchObject({ keys: [] });
      await writeRows('new_by_copy', rows);
      const entries = [...documents];
      await write('new_by_upsert', new Map(entries.slice(0, COPY_FROM_ROWS - 1)));
      await write('new_by_upsert', new Map(entries.slice(COPY_FROM_ROWS - 1)));
      expect(await read('new_by_copy')).toEqual(await read('new_by_upsert'));
    });

    it('a table being built has no key index: new rows are added by COPY, however few, and the first write that replaces or removes rows makes the index', async () => {
      await sql.exec(createTablesSql(projection, 'building'));
      await indexedTables('switched');
      const first = many(0, 3, 'v1');
      const added = rowsOf(docs, first, new Set(first.keys()), false);
      expect(added).toMatchObject({ upserts: { keys: [] }, keyIndex: false });
      await writeRows('building', added);
      await write('switched', first);
      expect(await keyIndexOf('building')).toEqual([]);

      // Replaces one row, removes one and adds one: its keys must be looked up.
      const [kept, replaced, removed] = [...first.keys()];
      const second = new Map([...many(3, 1, 'v2'), [replaced, { text: 'replaced', count: 1, nested: { list: [] } }], [removed, undefined]]);
      const changed = rowsOf(docs, second, new Set([...second.keys()].filter((key) => !first.has(key))), false);
      expect(changed).toMatchObject({ upserts: { keys: [replaced] }, deletes: [removed], keyIndex: true });
      await writeRows('building', changed);
      await write('switched', second);
      expect(await keyIndexOf('building')).toEqual([
        { indexdef: expect.stringMatching(/^CREATE UNIQUE INDEX docs_pkey ON building\.docs USING btree \(key\)$/) },
      ]);
      expect(await read('building')).toEqual(await read('switched'));
      expect((await read('building')).map((row) => row.key)).toContain(kept);

      // Once indexed, the index stands for the key: a second row with the same key is refused.
      await expect(writeRows('building', rowsOf(docs, new Map([[kept, first.get(kept)]]), new Set([kept]), false))).rejects.toThrow(
        /duplicate key/,
      );
    });
  });
}

writeTest(pgliteTarget);
writeTest(postgresTarget);
