/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/test'],
  testRegex: '\\.(spec|test)\\.ts$',
  // Type errors are caught once by `npm run typecheck`; tsconfig's isolatedModules makes ts-jest only transpile, which is much faster.
  transform: {
    '^.+\\.ts$': 'ts-jest',
    '/node_modules/@electric-sql/pglite/dist/.+\\.cjs$': '<rootDir>/test/support/builtin-imports-transform.js',
    '/node_modules/@nestjs/.+\\.js$': '<rootDir>/test/support/esm-packages-transform.js',
  },
  transformIgnorePatterns: ['/node_modules/(?!(@electric-sql/pglite|@nestjs)/)'],
  moduleNameMapper: {
    '^@kring/event-store$': '<rootDir>/libs/event-store/src',
    '^@kring/event-store/(.*)$': '<rootDir>/libs/event-store/src/$1',
    '^@kring/domain$': '<rootDir>/libs/domain/src',
    '^@kring/domain/(.*)$': '<rootDir>/libs/domain/src/$1',
    '^@kring/projections$': '<rootDir>/libs/projections/src',
    '^@kring/projections/(.*)$': '<rootDir>/libs/projections/src/$1',
    '^@kring/privacy$': '<rootDir>/libs/privacy/src',
    '^@kring/privacy/(.*)$': '<rootDir>/libs/privacy/src/$1',
  },
  setupFiles: ['<rootDir>/test/support/production-stack-depth.js'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Contract suites open real databases; two at a time fits the 2-core machines we run on.
  maxWorkers: 2,
  testTimeout: 60_000,
  verbose: true,
};
