export * from './projection-engine';
export * from './as-of-snapshots';
export { assertIdentifier, tableOf } from './document-tables';
export * from './document-view';
export * from './active-generation';
