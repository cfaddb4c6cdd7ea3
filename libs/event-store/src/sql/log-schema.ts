import type { Migration } from './migrations';
import { SqlState } from './sql-driver';

export const LOG_CHANNEL = 'kring_log';

/** Held from the start of an append until its commit: see kring_append below. */
const APPEND_LOCK = 0x6b72_696e_6702n;

/**
 * The log: one table, one append function, the same on PostgreSQL and PGlite.
 *
 * Gap-free global order — the mechanism, and its price.
 * A reader that follows the log by position must never pass a position that a still-running
 * transaction will commit below it (the bug Marten #3321 and Emmett #336 shipped: sequences hand
 * out numbers at insert time, commits land in another order, and a follower skips the late one).
 * We serialise appends: kring_append takes one transaction-scoped advisory lock before it reads the
 * head of the log, and PostgreSQL releases it only after the commit is visible. Positions are then
 * handed out in commit order as head + 1, so they are also contiguous (a rolled-back append leaves
 * no hole) and a follower can read `position > checkpoint` with no fence at all.
 * The price: appends do not overlap, so small concurrent appends cannot share a WAL flush (group
 * commit) and the single-append rate is bounded by one commit's latency. The alternative, a
 * transaction-id fence (`tx_id < pg_snapshot_xmin(pg_current_snapshot())`), keeps appends
 * concurrent, but delivery order is then (tx_id, seq), not a single number, and one long
 * transaction anywhere in the cluster holds back every follower. For Kring's write load (people
 * recording meetings) commit latency is far from the limit, batched appends are not hurt, and PGlite
 * runs one statement at a time anyway, so the simple, obviously correct order wins.
 *
 * The whole append is one function call: one round trip, so the lock is held as briefly as possible.
 * recorded_at is truncated to milliseconds (what JavaScript and GraphQL DateTime can carry, so
 * `recorded_at <= asOf` means the same in SQL and in code) and never decreases along the log.
 *
 * Tamper evidence (003). Each event's `hash` is SHA-256 over the hash of the event before it and the
 * digest of its own content, so the log is one hash chain in position order: changing, removing or
 * reordering a stored event breaks the chain from there on, which kring_verify finds. Appends are
 * already serialised, so chaining costs two hashes per event and no extra contention. Rewriting the
 * chain from a changed event to the head is only caught against a head hash kept elsewhere (anchoring).
 */

/**
 * Is an event id already in its stream (a retry)? Asked as `event_id = ANY (ids)`, the planner, whose
 * statistics may think a stream short, can read every row of the stream and filter: an append's cost
 * grew with its stream (3,000 events: 1.1 ms for that probe). 006 asks about a single event by equality
 * on both columns of the unique index: one probe, whatever the statistics say.
 */
const SINGLE_ID_PROBE = '-- One event (most appends): by equality, one probe of the unique index (SINGLE_ID_PROBE in log-schema.ts).';

/** The hash "before" the first event. */
const GENESIS = `decode(repeat('00', 32), 'hex')`;

/**
 * The bytes an event's hash covers: every stored column but the hash, joined by "|". Unambiguous: the
 * two free texts (stream and type) carry their length before them, numbers and the uuid cannot hold
 * "|", and data and metadata are jsonb's own normalised text, which delimits itself. (A JSON array of
 * the columns would say the same at twice the cost: it copies data and metadata into a new jsonb.)
 */
const DIGEST_FUNCTION = `
CREATE FUNCTION kring_event_digest(p_position bigint, p_stream text, p_revision bigint, p_id uuid, p_type text,
                                   p_version integer, p_data jsonb, p_metadata jsonb, p_recorded_at timestamptz)
RETURNS bytea LANGUAGE sql STABLE AS $digest$
  SELECT sha256(convert_to(concat_ws('|', p_position, length(p_stream), p_stream, p_revision, p_id, length(p_type), p_type,
                                     p_version, p_data, p_metadata, (extract(epoch FROM p_recorded_at) * 1000)::bigint), 'UTF8'))
$digest$;`;

/**
 * kring_append as each migration defines it: 001 plain, 003 with the hash chain, 004 with idempotency
 * keys as well, 006 looking up the id of a single event by equality. Written once, with the features each version has.
 */
function appendFunction({ chained, keyed, singleIdProbe = false }: { chained: boolean; keyed: boolean; singleIdProbe?: boolean }): string {
  return `
CREATE OR REPLACE FUNCTION kring_append(p_stream text, p_expected text, p_events jsonb${keyed ? ', p_key text, p_fingerprint text' : ''})
RETURNS TABLE (next_revision bigint, last_position bigint, duplicate boolean)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_count     integer := jsonb_array_length(p_events);
  v_ids       uuid[];
  v_known     integer;
  v_current   bigint;
  v_head      bigint;
  v_head_at   timestamptz;
  v_now       timestamptz;${
    keyed
      ? `
  v_key       record;`
      : ''
  }
BEGIN
  PERFORM pg_advisory_xact_lock(${APPEND_LOCK});

  -- A retry of an append that already happened: write nothing, answer what the first one answered.
${
  singleIdProbe
    ? `  IF v_count = 1 THEN
    ${SINGLE_ID_PROBE}
    SELECT count(*), max(stream_revision), max(position) INTO v_known, next_revision, last_position
      FROM kring_events WHERE stream_id = p_stream AND event_id = (p_events->0->>'id')::uuid;
  ELSE
  `
    : ''
}  SELECT array_agg((e->>'id')::uuid) INTO v_ids FROM jsonb_array_elements(p_events) AS e;
  SELECT count(*), max(stream_revision), max(position) INTO v_known, next_revision, last_position
    FROM kring_events WHERE stream_id = p_stream AND event_id = ANY (v_ids);
${
  singleIdProbe
    ? `  END IF;
`
    : ''
}  IF v_known = v_count THEN
    duplicate := true;
    RETURN NEXT;
    RETURN;
  ELSIF v_known > 0 THEN
    RAISE EXCEPTION 'event ids partly stored in stream %', p_stream USING ERRCODE = '${SqlState.eventIdConflict}';
  END IF;
${
  keyed
    ? `
  -- A request whose key is remembered: the same request again gets the first answer, another one is refused.
  IF p_key IS NOT NULL THEN
    SELECT k.fingerprint, k.stream_id, k.next_revision, k.last_position INTO v_key FROM kring_idempotency_keys k WHERE k.key = p_key;
    IF FOUND THEN
      IF v_key.fingerprint = p_fingerprint AND v_key.stream_id = p_stream THEN
        next_revision := v_key.next_revision;
        last_position := v_key.last_position;
        duplicate := true;
        RETURN NEXT;
        RETURN;
      END IF;
      RAISE EXCEPTION 'idempotency key used for another request' USING ERRCODE = '${SqlState.idempotencyKeyReused}';
    END IF;
  END IF;
`
    : ''
}
  SELECT max(stream_revision) INTO v_current FROM kring_events WHERE stream_id = p_stream;
  IF (p_expected = 'no_stream' AND v_current IS NOT NULL)
     OR (p_expected = 'stream_exists' AND v_current IS NULL)
     OR (p_expected NOT IN ('any', 'no_stream', 'stream_exists') AND v_current IS DISTINCT FROM p_expected::bigint) THEN
    RAISE EXCEPTION 'wrong expected revision for stream %', p_stream
      USING ERRCODE = '${SqlState.wrongExpectedRevision}', DETAIL = coalesce(v_current::text, 'no_stream');
  END IF;
${
  chained
    ? `
  SELECT w.written_after, w.written_at INTO v_head, v_now
    FROM kring_write_events(array_fill(p_stream, ARRAY[v_count]),
                            ARRAY(SELECT coalesce(v_current, -1) + g FROM generate_series(1, v_count) AS g ORDER BY g),
                            ARRAY(SELECT e.value FROM jsonb_array_elements(p_events) WITH ORDINALITY AS e(value, ord) ORDER BY e.ord)) AS w;`
    : `
  SELECT position, recorded_at INTO v_head, v_head_at FROM kring_events ORDER BY position DESC LIMIT 1;
  v_head := coalesce(v_head, 0);
  v_now := greatest(date_trunc('milliseconds', clock_timestamp()), v_head_at);

  INSERT INTO kring_events (position, stream_id, stream_revision, event_id, type, version, data, metadata, recorded_at)
  SELECT v_head + e.ord, p_stream, coalesce(v_current, -1) + e.ord, (e.value->>'id')::uuid, e.value->>'type',
         (e.value->>'version')::integer, e.value->'data', e.value->'metadata', v_now
    FROM jsonb_array_elements(p_events) WITH ORDINALITY AS e(value, ord);`
}

  PERFORM pg_notify('${LOG_CHANNEL}', (v_head + v_count)::text);
  next_revision := coalesce(v_current, -1) + v_count;
  last_position := v_head + v_count;
  duplicate := false;${
    keyed
      ? `
  IF p_key IS NOT NULL THEN
    INSERT INTO kring_idempotency_keys (key, fingerprint, stream_id, next_revision, last_position, recorded_at)
    VALUES (p_key, p_fingerprint, p_stream, next_revision, last_position, v_now);
  END IF;`
      : ''
  }
  RETURN NEXT;
END
$fn$;`;
}

/** kring_append_batch as 005 defined it, and as 006 does, looking up the id of a single event by equality. */
function appendBatchFunction({ singleIdProbe }: { singleIdProbe: boolean }): string {
  return `
CREATE OR REPLACE FUNCTION kring_append_batch(p_streams text[], p_expected text[], p_events text[], p_keys text[], p_fingerprints text[])
RETURNS TABLE (next_revision bigint, last_position bigint, duplicate boolean, error_state text, error_detail text, error_message text)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_count   integer := coalesce(array_length(p_streams, 1), 0);
  v_events  jsonb[];
  v_current bigint[];
  v_head    bigint;
  v_now     timestamptz;
  v_total   integer;
  v_ok      boolean;
  v_of      integer[];
  v_stream  text[];
  v_rev     bigint[];
  v_value   jsonb[];
  v_next    bigint[];
  v_last    bigint[];
BEGIN
  IF v_count > 1
     AND (SELECT count(DISTINCT s) FROM unnest(p_streams) AS s) = v_count
     AND (SELECT count(k) = count(DISTINCT k) FROM unnest(p_keys) AS k) THEN
    BEGIN
      PERFORM pg_advisory_xact_lock(${APPEND_LOCK});
      SELECT array_agg(e::jsonb ORDER BY o) INTO v_events FROM unnest(p_events) WITH ORDINALITY AS t(e, o);
      SELECT array_agg((SELECT max(stream_revision) FROM kring_events k WHERE k.stream_id = p_streams[o]) ORDER BY o)
        INTO v_current FROM generate_series(1, v_count) AS o;
      -- CASE, so an exact revision is cast only where there is one.
      SELECT bool_and(CASE p_expected[o]
               WHEN 'any' THEN true
               WHEN 'no_stream' THEN v_current[o] IS NULL
               WHEN 'stream_exists' THEN v_current[o] IS NOT NULL
               ELSE v_current[o] IS NOT DISTINCT FROM p_expected[o]::bigint END)
        INTO v_ok FROM generate_series(1, v_count) AS o;
      v_ok := v_ok AND NOT EXISTS (SELECT 1 FROM kring_idempotency_keys k WHERE k.key = ANY (p_keys));
      -- An event id already in its stream (a retry): one index probe per append (as one join it was planned as a scan).${
        singleIdProbe ? `\n      ${SINGLE_ID_PROBE}` : ''
      }
      FOR v_i IN 1..v_count LOOP
        EXIT WHEN NOT v_ok;
        IF v_current[v_i] IS NOT NULL AND ${
          singleIdProbe
            ? `(CASE WHEN jsonb_array_length(v_events[v_i]) = 1
             THEN EXISTS (SELECT 1 FROM kring_events k WHERE k.stream_id = p_streams[v_i] AND k.event_id = (v_events[v_i]->0->>'id')::uuid)
             ELSE `
            : ''
        }EXISTS (
             SELECT 1 FROM kring_events k
              WHERE k.stream_id = p_streams[v_i]
                AND k.event_id = ANY (ARRAY(SELECT (x->>'id')::uuid FROM jsonb_array_elements(v_events[v_i]) AS x)))${singleIdProbe ? ' END)' : ''} THEN
          v_ok := false;
        END IF;
      END LOOP;
      IF v_ok THEN
        -- The group's events in order, as parallel arrays indexed by their place k in the group.
        SELECT array_agg(o ORDER BY o, e.ord), array_agg(p_streams[o] ORDER BY o, e.ord),
               array_agg(coalesce(v_current[o], -1) + e.ord ORDER BY o, e.ord), array_agg(e.value ORDER BY o, e.ord)
          INTO v_of, v_stream, v_rev, v_value
          FROM generate_series(1, v_count) AS o, jsonb_array_elements(v_events[o]) WITH ORDINALITY AS e(value, ord);
        v_total := array_length(v_of, 1);
        SELECT w.written_after, w.written_at INTO v_head, v_now FROM kring_write_events(v_stream, v_rev, v_value) AS w;
        -- Each append's answer: the revision and position of its last event.
        SELECT array_agg(r ORDER BY o), array_agg(v_head + p ORDER BY o) INTO v_next, v_last
          FROM (SELECT v_of[k] AS o, max(v_rev[k]) AS r, max(k) AS p FROM generate_series(1, v_total) AS k GROUP BY v_of[k]) AS answers;
        INSERT INTO kring_idempotency_keys (key, fingerprint, stream_id, next_revision, last_position, recorded_at)
        SELECT p_keys[o], p_fingerprints[o], p_streams[o], v_next[o], v_last[o], v_now FROM generate_series(1, v_count) AS o
         WHERE p_keys[o] IS NOT NULL;
        PERFORM pg_notify('${LOG_CHANNEL}', (v_head + v_total)::text);
      END IF;
    EXCEPTION WHEN OTHERS THEN
      v_ok := false; -- undone: the appends one by one say which failed and why
    END;
    -- Answered only once the whole group is written (rows returned inside the block would outlive its undoing).
    IF v_ok THEN
      FOR v_i IN 1..v_count LOOP
        next_revision := v_next[v_i];
        last_position := v_last[v_i];
        duplicate := false;
        RETURN NEXT;
      END LOOP;
      RETURN;
    END IF;
  END IF;
  RETURN QUERY SELECT * FROM kring_append_each(p_streams, p_expected, p_events, p_keys, p_fingerprints);
END
$fn$;`;
}

export const LOG_MIGRATIONS: readonly Migration[] = [
  {
    id: 'event-store/001-log',
    sql: `
CREATE TABLE kring_events (
  position        bigint      PRIMARY KEY,
  stream_id       text        NOT NULL,
  stream_revision bigint      NOT NULL,
  event_id        uuid        NOT NULL,
  type            text        NOT NULL,
  version         integer     NOT NULL,
  data            jsonb       NOT NULL,
  metadata        jsonb       NOT NULL,
  recorded_at     timestamptz NOT NULL,
  CONSTRAINT kring_events_stream_revision UNIQUE (stream_id, stream_revision),
  CONSTRAINT kring_events_stream_event_id UNIQUE (stream_id, event_id)
);

${appendFunction({ chained: false, keyed: false })}
`,
  },
  {
    // "The log as it stood at instant T" (asOf queries) is a lookup by recorded_at.
    id: 'event-store/002-recorded-at-index',
    sql: 'CREATE INDEX kring_events_recorded_at ON kring_events (recorded_at)',
  },
  {
    id: 'event-store/003-hash-chain',
    sql: `
${DIGEST_FUNCTION}
ALTER TABLE kring_events ADD COLUMN hash bytea;
DO $backfill$
DECLARE
  v_hash bytea := ${GENESIS};
  v_row  record;
BEGIN
  FOR v_row IN SELECT * FROM kring_events ORDER BY position LOOP
    v_hash := sha256(v_hash || kring_event_digest(v_row.position, v_row.stream_id, v_row.stream_revision, v_row.event_id,
      v_row.type, v_row.version, v_row.data, v_row.metadata, v_row.recorded_at));
    UPDATE kring_events SET hash = v_hash WHERE position = v_row.position;
  END LOOP;
END
$backfill$;
ALTER TABLE kring_events ALTER COLUMN hash SET NOT NULL;
${appendFunction({ chained: true, keyed: false })}
`,
  },
  {
    // Idempotency keys remembered for a while (forgetIdempotencyKeys prunes them), checked and stored in the append.
    id: 'event-store/004-idempotency-keys',
    sql: `
CREATE TABLE kring_idempotency_keys (
  key           text        PRIMARY KEY,
  fingerprint   text        NOT NULL,
  stream_id     text        NOT NULL,
  next_revision bigint      NOT NULL,
  last_position bigint      NOT NULL,
  recorded_at   timestamptz NOT NULL
);
CREATE INDEX kring_idempotency_keys_recorded_at ON kring_idempotency_keys (recorded_at);
DROP FUNCTION kring_append(text, text, jsonb);
${appendFunction({ chained: true, keyed: true })}
`,
  },
  {
    // Group commit: appends that queued while a commit was in flight go in one transaction.
    // - kring_write_events writes events at the head (positions, digests, the hash chain, one INSERT):
    //   kring_append and a whole group both use it. It walks its arrays once (unnest): subscripting a
    //   jsonb[] by position walks it from the start each time, which made a 100-event append quadratic.
    // - When nothing in the group can be refused (every stream and key at most once, no key or event id
    //   already stored, every expected revision holds), the group is written in one pass; the chain,
    //   positions and answers are those the appends one by one would give.
    // - Otherwise, or on any error, kring_append_each runs the appends one by one, each in its own
    //   subtransaction, so a refused one (wrong revision, a reused key, text jsonb cannot hold) answers
    //   with its error and the others commit. Events arrive as text so even a failed jsonb cast stays its own.
    id: 'event-store/005-append-batch',
    sql: `
CREATE FUNCTION kring_write_events(p_streams text[], p_revisions bigint[], p_events jsonb[], OUT written_after bigint, OUT written_at timestamptz)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_count   integer := coalesce(array_length(p_events, 1), 0);
  v_head_at timestamptz;
  v_hash    bytea;
  v_digests bytea[];
  v_hashes  bytea[];
BEGIN
  SELECT k.position, k.recorded_at, k.hash INTO written_after, v_head_at, v_hash FROM kring_events k ORDER BY k.position DESC LIMIT 1;
  written_after := coalesce(written_after, 0);
  v_hash := coalesce(v_hash, ${GENESIS});
  written_at := greatest(date_trunc('milliseconds', clock_timestamp()), v_head_at);
  -- The digests in one set-based statement (the digest function is inlined there), then only the chaining in a loop.
  SELECT array_agg(kring_event_digest(written_after + e.i, e.stream, e.revision, (e.value->>'id')::uuid, e.value->>'type',
                   (e.value->>'version')::integer, e.value->'data', e.value->'metadata', written_at) ORDER BY e.i)
    INTO v_digests FROM unnest(p_streams, p_revisions, p_events) WITH ORDINALITY AS e(stream, revision, value, i);
  v_hashes := array_fill(NULL::bytea, ARRAY[v_count]);
  FOR i IN 1..v_count LOOP
    v_hash := sha256(v_hash || v_digests[i]);
    v_hashes[i] := v_hash;
  END LOOP;
  INSERT INTO kring_events (position, stream_id, stream_revision, event_id, type, version, data, metadata, recorded_at, hash)
  SELECT written_after + e.i, e.stream, e.revision, (e.value->>'id')::uuid, e.value->>'type',
         (e.value->>'version')::integer, e.value->'data', e.value->'metadata', written_at, e.hash
    FROM unnest(p_streams, p_revisions, p_events, v_hashes) WITH ORDINALITY AS e(stream, revision, value, hash, i);
END
$fn$;
${appendFunction({ chained: true, keyed: true })}
CREATE FUNCTION kring_append_each(p_streams text[], p_expected text[], p_events text[], p_keys text[], p_fingerprints text[])
RETURNS TABLE (next_revision bigint, last_position bigint, duplicate boolean, error_state text, error_detail text, error_message text)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_row record;
BEGIN
  FOR i IN 1..coalesce(array_length(p_streams, 1), 0) LOOP
    BEGIN
      SELECT * INTO v_row FROM kring_append(p_streams[i], p_expected[i], p_events[i]::jsonb, p_keys[i], p_fingerprints[i]);
      next_revision := v_row.next_revision;
      last_position := v_row.last_position;
      duplicate := v_row.duplicate;
      error_state := NULL;
      error_detail := NULL;
      error_message := NULL;
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS error_state = RETURNED_SQLSTATE, error_detail = PG_EXCEPTION_DETAIL, error_message = MESSAGE_TEXT;
      next_revision := NULL;
      last_position := NULL;
      duplicate := NULL;
    END;
    RETURN NEXT;
  END LOOP;
END
$fn$;
${appendBatchFunction({ singleIdProbe: false })}
`,
  },
  {
    // An append's cost no longer grows with its stream: see SINGLE_ID_PROBE.
    id: 'event-store/006-single-event-id-probe',
    sql: `
${appendFunction({ chained: true, keyed: true, singleIdProbe: true })}
${appendBatchFunction({ singleIdProbe: true })}
`,
  },
  {
    // A plpgsql statement that reads a variable is planned again on every call for as long as the
    // planner rates its generic plan dearer than a plan for the values at hand, which it did for most
    // statements of the append functions. Every one of them probes a unique index by equality or walks
    // the group's own arrays, so one plan per connection fits all values. (kring_write_events keeps its
    // plans per call: generic ones gained groups nothing and cost 100-event appends a few percent.) The database's work per
    // append in groups of 8 (bench:groups, databaseOnly): PostgreSQL 0.074-0.078 ms before, 0.054-0.056
    // after; PGlite 0.142-0.147 before, 0.077-0.081 after.
    id: 'event-store/007-generic-plans',
    sql: `
ALTER FUNCTION kring_append(text, text, jsonb, text, text) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION kring_append_batch(text[], text[], text[], text[], text[]) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION kring_append_each(text[], text[], text[], text[], text[]) SET plan_cache_mode = force_generic_plan;
`,
  },
];
