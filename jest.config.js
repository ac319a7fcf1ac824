/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // swc compiles our TypeScript (decorators with metadata, for NestJS) and NestJS's own ESM to CommonJS.
    '^.+\\.(t|j)s$': [
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
  // NestJS 12 ships ES modules only; jest's own module system needs them as CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!@nestjs/)'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60_000,
  // npm test runs the files one at a time in one worker process (--maxWorkers=1, not --runInBand):
  // a worker whose heap has grown past this after a file is replaced by a fresh one. In jest's own
  // process (--runInBand) the whole suite's leftovers grew to 4.5 GB RSS and made late files 14 times
  // slower (the replay test: 14 s alone, 190 s at file 110).
  workerIdleMemoryLimit: '1GB',
};
