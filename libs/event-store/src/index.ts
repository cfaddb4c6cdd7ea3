export * from './event-store';
export * from './upcasting';
export * from './open-event-store';
export * from './store-config';
export { DataDirLockedError } from './pglite/data-dir-lock';
export { SqlState, type ReservedSession, type SqlDriver, type SqlSession } from './sql/sql-driver';
export { migrate, type Migration } from './sql/migrations';
export { SqlEventStore } from './sql/sql-event-store';
export { esdbHostsOf } from './esdb/esdb-mapping';
