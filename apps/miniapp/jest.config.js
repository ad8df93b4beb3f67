/**
 * Unit and render tests for the mini-program, in jsdom. @tarojs/test-utils-react is Taro-3-only, so
 * @tarojs/taro and @tarojs/components are replaced by small mocks (test/__mocks__), and NutUI is loaded
 * per component the way babel-plugin-import does in the real build. `.h5` files win over their weapp
 * twins, as in an h5 build.
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
  moduleFileExtensions: ['h5.tsx', 'h5.ts', 'tsx', 'ts', 'js', 'json'],
  transform: { '^.+\\.(t|j|mj)sx?$': swc },
  // NutUI ships ES modules: let it (and nothing else from node_modules) through the transform.
  transformIgnorePatterns: ['/node_modules/(?!(\\.pnpm/[^/]+/node_modules/)?@nutui/)'],
  moduleNameMapper: {
    '^@tarojs/taro$': '<rootDir>/test/__mocks__/taro.ts',
    '^@tarojs/components$': '<rootDir>/test/__mocks__/components.tsx',
    '^@nutui/nutui-react-taro$': '<rootDir>/test/__mocks__/nutui.ts',
    '\\.(css|scss)$': '<rootDir>/test/__mocks__/style.ts',
    // Workspace packages from source: tests need no build first (a fresh clone has no dist).
    '^@allycard/(domain|contracts)$': '<rootDir>/../../packages/$1/src',
  },
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  clearMocks: true,
};
