/**
 * Which Temporal binary is used: env setting, then the project's vendor folder, then PATH (CLI
 * only), then the SDK's download. Fake executables in temporary folders stand in for the real ones.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveTemporalBinary, toEphemeralServerExecutable } from '../../src/temporal/binaries';

let base: string;
let project: string;
let pathDir: string;

function fakeExecutable(file: string): string {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, '#!/bin/sh\nexit 0\n');
  chmodSync(file, 0o755);
  return file;
}

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'baoxue-binaries-'));
  project = join(base, 'project');
  pathDir = join(base, 'path-bin');
  mkdirSync(project, { recursive: true });
  mkdirSync(pathDir, { recursive: true });
});

afterEach(() => rmSync(base, { recursive: true, force: true }));

describe('resolveTemporalBinary', () => {
  it('prefers the env setting over the project folder and PATH', () => {
    const fromEnv = fakeExecutable(join(base, 'elsewhere', 'my-temporal'));
    fakeExecutable(join(project, 'vendor/temporal/bin/temporal'));
    fakeExecutable(join(pathDir, 'temporal'));
    expect(resolveTemporalBinary('cli', { TEMPORAL_CLI_PATH: fromEnv, PATH: pathDir }, project)).toEqual({ source: 'env', path: fromEnv });

    const testServer = fakeExecutable(join(base, 'elsewhere', 'my-test-server'));
    fakeExecutable(join(project, 'vendor/temporal/bin/temporal-test-server'));
    expect(resolveTemporalBinary('test-server', { TEMPORAL_TEST_SERVER_PATH: testServer }, project)).toEqual({ source: 'env', path: testServer });
  });

  it('uses the project folder when no env setting is given', () => {
    const cli = fakeExecutable(join(project, 'vendor/temporal/bin/temporal'));
    const testServer = fakeExecutable(join(project, 'vendor/temporal/bin/temporal-test-server'));
    fakeExecutable(join(pathDir, 'temporal'));
    expect(resolveTemporalBinary('cli', { PATH: pathDir }, project)).toEqual({ source: 'project', path: cli });
    expect(resolveTemporalBinary('test-server', { PATH: pathDir }, project)).toEqual({ source: 'project', path: testServer });
  });

  it('searches PATH for the CLI only, skipping non-executable files', () => {
    const notExecutable = join(base, 'first');
    mkdirSync(notExecutable);
    writeFileSync(join(notExecutable, 'temporal'), 'not a program');
    chmodSync(join(notExecutable, 'temporal'), 0o644);
    const cli = fakeExecutable(join(pathDir, 'temporal'));
    fakeExecutable(join(pathDir, 'temporal-test-server'));
    const env = { PATH: ['', join(base, 'missing'), notExecutable, pathDir].join(':') };
    expect(resolveTemporalBinary('cli', env, project)).toEqual({ source: 'path', path: cli });
    expect(resolveTemporalBinary('test-server', env, project)).toEqual({ source: 'download' });
  });

  it('falls back to the SDK download', () => {
    expect(resolveTemporalBinary('cli', { PATH: pathDir }, project)).toEqual({ source: 'download' });
    expect(resolveTemporalBinary('cli', {}, project)).toEqual({ source: 'download' });
  });

  it('treats an empty env setting as unset', () => {
    expect(resolveTemporalBinary('cli', { TEMPORAL_CLI_PATH: '  ', PATH: pathDir }, project)).toEqual({ source: 'download' });
  });

  it('throws a clear error for an env path that does not exist, instead of falling back', () => {
    fakeExecutable(join(project, 'vendor/temporal/bin/temporal'));
    const missing = join(base, 'nope', 'temporal');
    expect(() => resolveTemporalBinary('cli', { TEMPORAL_CLI_PATH: missing }, project)).toThrow(
      new RegExp(`TEMPORAL_CLI_PATH=${missing}: no executable file there`),
    );
    expect(() => resolveTemporalBinary('test-server', { TEMPORAL_TEST_SERVER_PATH: base }, project)).toThrow(/TEMPORAL_TEST_SERVER_PATH=.*no executable file/);
  });
});

describe('toEphemeralServerExecutable', () => {
  it('gives @temporalio/testing an existing path, or its cached download', () => {
    expect(toEphemeralServerExecutable({ source: 'project', path: '/x/temporal' })).toEqual({ type: 'existing-path', path: '/x/temporal' });
    expect(toEphemeralServerExecutable({ source: 'download' })).toEqual({ type: 'cached-download' });
  });
});
