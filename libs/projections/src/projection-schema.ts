import { type Migration, SqlState } from '@kring/event-store';

/** Commits and switches of projections are announced here, so every process's read-your-writes waits wake. */
export const STATUS_CHANNEL = 'kring_projection_status';

export const PROJECTION_MIGRATIONS: readonly Migration[] = [
  {
    id: 'projections/001-generations',
    sql: `
CREATE TABLE kring_projections (
  name        text    NOT NULL,
  generation  integer NOT NULL,
  version     integer NOT NULL,
  checkpoint  bigint  NOT NULL,
  state       text    NOT NULL CHECK (state IN ('building', 'active', 'retired')),
  PRIMARY KEY (name, generation)
);
CREATE UNIQUE INDEX kring_projections_one_active ON kring_projections (name) WHERE state = 'active';
-- "As of" replays live in schemas of their own; this registry lets a restart clear what a crash left.
CREATE TABLE kring_asof_schemas (
  schema_name text        PRIMARY KEY,
  created_at  timestamptz NOT NULL DEFAULT now()
);
`,
  },
  {
    // A commit of projections' documents and checkpoints as one statement, atomic on its own: a live
    // round costs one round trip instead of seven (BEGIN, the lock, a write per collection, the
    // checkpoint, the NOTIFY, COMMIT). It locks the generations' rows and refuses if a checkpoint moved
    // under us (the last line of defence if two processes ever believed they held the advisory lock),
    // runs the document writes of those not retired (statements made by writesOf, $1 their JSON),
    // advances their checkpoints and announces them. Returns each generation's state as found.
    // A failed write is raised again naming its generation: the one to blame, the others start again.
    id: 'projections/002-commit-function',
    sql: `
CREATE FUNCTION kring_commit_documents(p_names text[], p_generations integer[], p_checkpoints bigint[], p_checkpoint bigint,
                                       p_owners integer[], p_statements text[], p_params jsonb, p_payloads text[])
RETURNS text[] LANGUAGE plpgsql AS $fn$
DECLARE
  v_states  text[] := array_fill(NULL::text, ARRAY[array_length(p_names, 1)]);
  v_row     record;
  v_at      integer := 0;
  v_state   text;
  v_message text;
BEGIN
  FOR v_row IN
    SELECT m.i, p.checkpoint, p.state FROM kring_projections p
      JOIN unnest(p_names, p_generations) WITH ORDINALITY AS m(name, generation, i) USING (name, generation)
     FOR UPDATE OF p
  LOOP
    IF v_row.state = 'retired' OR v_row.checkpoint = p_checkpoints[v_row.i] THEN
      v_states[v_row.i] := v_row.state;
    END IF;
  END LOOP;
  IF array_position(v_states, NULL) IS NOT NULL THEN
    RAISE EXCEPTION 'a projection''s checkpoint moved under this process' USING ERRCODE = '${SqlState.checkpointMoved}';
  END IF;
  BEGIN
    FOR v_s IN 1..coalesce(array_length(p_statements, 1), 0) LOOP
      v_at := v_s;
      IF v_states[p_owners[v_s]] <> 'retired' THEN
        EXECUTE p_statements[v_s] USING p_params->(v_s - 1);
      END IF;
    END LOOP;
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT;
    RAISE EXCEPTION USING ERRCODE = '${SqlState.documentWriteFailed}', MESSAGE = v_message, DETAIL = p_owners[v_at]::text, HINT = v_state;
  END;
  UPDATE kring_projections p SET checkpoint = p_checkpoint
    FROM unnest(p_names, p_generations, v_states) AS m(name, generation, state)
   WHERE p.name = m.name AND p.generation = m.generation AND m.state <> 'retired';
  PERFORM pg_notify('${STATUS_CHANNEL}', m.payload) FROM unnest(p_payloads, v_states) AS m(payload, state) WHERE m.state <> 'retired';
  RETURN v_states;
END
$fn$;
`,
  },
  {
    // As the append functions (event-store/007): its own statements (the lock, the checkpoints, the
    // NOTIFYs) planned once per connection, not on every call; the document writes it EXECUTEs are
    // planned each time regardless. PGlite's CPU per live round (bench:rounds) 1.18-1.27 ms before, 1.08-1.11 after.
    id: 'projections/003-generic-plans',
    sql: 'ALTER FUNCTION kring_commit_documents(text[], integer[], bigint[], bigint, integer[], text[], jsonb, text[]) SET plan_cache_mode = force_generic_plan',
  },
];
