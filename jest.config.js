// ESM jest: ts-jest compiles TypeScript; `.js` specifiers in imports map to `.ts` sources.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testMatch: ['**/__tests__/**/*.test.ts'],
  // Fails a test that prints workflow commands (::error:: …) a runner of the suite would obey.
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup/workflow-command-guard.ts'],
  clearMocks: true
};
