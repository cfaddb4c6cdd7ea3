export * from './projection-engine';
export type { RebuildResult } from './rebuilds';
export * from './as-of-snapshots';
export { assertIdentifier, tableOf } from './document-tables';
export * from './document-view';
export { StaleReadModelError } from './errors';
export { activeGeneration, schemaOf } from './generations';
export * from './projection-metrics';
