// ESM jest: ts-jest compiles TypeScript; `.js` specifiers in imports map to `.ts` sources.
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  // Fails a test that prints workflow commands (::error:: …) a runner of the suite would obey.
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup/workflow-command-guard.ts'],
  clearMocks: true
};

export default {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/__tests__/*.test.ts']
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/__tests__/e2e/**/*.test.ts'],
      // The bundle these tests run is built from the src/ under test, never a stale one.
      globalSetup: '<rootDir>/__tests__/setup/build-bundle.mjs'
    }
  ]
};
