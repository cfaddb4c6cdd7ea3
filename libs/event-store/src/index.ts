export * from './event-store';
export * from './upcasting';
export * from './open-event-store';
export { DataDirLockedError } from './pglite/data-dir-lock';
export type { ReservedSession, SqlDriver, SqlSession } from './sql/sql-driver';
export { migrate, type Migration } from './sql/migrations';
export { SqlEventStore } from './sql/sql-event-store';
export { EventStoreDbEventStore } from './esdb/esdb-event-store';
export { esdbHostsOf } from './esdb/esdb-mapping';
