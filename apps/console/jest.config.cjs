/**
 * Unit and hook tests for the console, in jsdom, with the workspace packages from source (tests need no
 * build first). Pages are covered end to end by tests/e2e/scenarios/console*.mjs.
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', tsx: true },
      transform: { react: { runtime: 'automatic' } },
      target: 'es2020',
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  testEnvironment: 'jsdom',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  transform: { '^.+\\.(t|j|mj)sx?$': swc },
  // ECharts and its renderer ship ES modules only: compiled like the sources.
  transformIgnorePatterns: ['/node_modules/(?!\\.pnpm/(echarts|zrender)@|(echarts|zrender)/)'],
  moduleNameMapper: {
    '^@allycard/(domain|contracts)$': '<rootDir>/../../packages/$1/src',
  },
  setupFiles: ['<rootDir>/test/setup-browser-apis.cjs'],
  clearMocks: true,
};
