const path = require('node:path');

/** Server tests over real HTTP against a real database: TEST_DB=sqlite (default) or TEST_DB=mysql. */
module.exports = {
  testEnvironment: 'node',
  rootDir: __dirname,
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  // Workspace packages from source, so a test run needs no build first.
  moduleNameMapper: {
    '^@allycard/(domain|contracts|wechat-sandbox)$': path.join(__dirname, '../../packages/$1/src'),
  },
  setupFilesAfterEnv: ['<rootDir>/test/api-document-setup.ts'],
  globalSetup: '<rootDir>/test/global-setup.js',
  globalTeardown: '<rootDir>/test/global-teardown.js',
  testTimeout: 60_000,
  maxWorkers: 1,
};
