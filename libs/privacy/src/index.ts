export * from './sealing';
export * from './master-key';
export * from './dev-secret';
export * from './key-store';
export * from './sql-key-store';
export * from './personal-data-cipher';
