module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  // the workspace's pure rules, from source: no build needed before testing
  moduleNameMapper: { '^@allycard/domain$': '<rootDir>/../domain/src' },
};
