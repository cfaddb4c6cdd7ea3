import type { Migration } from '@kring/event-store';

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
];
