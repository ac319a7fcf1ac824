/**
 * Schemathesis (property-based testing from the OpenAPI document), pinned, from PyPI, installed
 * into vendor/schemathesis on first use (as scripts/setup.js installs the Temporal binaries into
 * vendor/temporal): `pip install --target vendor/schemathesis schemathesis==<SCHEMATHESIS_VERSION>`.
 * Only the tests need it, so `npm start` never installs it.
 *
 *   const st = ensureSchemathesis();                         // installs once, then a stamp check
 *   const run = await runSchemathesis(st, ['run', url, ...]); // { code, output, ms }
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The one place the version is pinned; bumping it reinstalls (the stamp no longer matches). */
export const SCHEMATHESIS_VERSION = '4.32.5';

const TARGET = resolve(__dirname, '..', '..', 'vendor', 'schemathesis');
const STAMP = join(TARGET, '.installed.json');

export interface Schemathesis {
  python: string;
  /** The CLI script pip wrote (run with `python <script>`, PYTHONPATH=target). */
  script: string;
  target: string;
}

export function ensureSchemathesis(): Schemathesis {
  const python = process.env.PYTHON || 'python3';
  const installed = { python, script: join(TARGET, 'bin', 'schemathesis'), target: TARGET };
  if (readStamp() === SCHEMATHESIS_VERSION && existsSync(installed.script)) return installed;
  // Into a fresh folder swapped in on success: pip --target leaves an older version's files behind.
  const staging = `${TARGET}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    const args = ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', staging, `schemathesis==${SCHEMATHESIS_VERSION}`];
    const result = spawnSync(python, args, { encoding: 'utf8', timeout: 300_000 });
    if (result.status !== 0) {
      throw new Error(`could not install schemathesis ${SCHEMATHESIS_VERSION} from PyPI (\`${python} ${args.join(' ')}\`): ${result.error?.message ?? result.stderr.trim().split('\n').slice(-5).join('\n')}`);
    }
    rmSync(TARGET, { recursive: true, force: true });
    renameSync(staging, TARGET);
    writeFileSync(STAMP, `${JSON.stringify({ version: SCHEMATHESIS_VERSION, installedAt: new Date().toISOString() }, null, 2)}\n`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return installed;
}

function readStamp(): string | undefined {
  try {
    return (JSON.parse(readFileSync(STAMP, 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

export interface SchemathesisRun {
  code: number | null;
  /** stdout and stderr together. */
  output: string;
  ms: number;
}

/** Runs the CLI with `args` in `cwd` (it keeps a cache folder there); resolves when it exits (killed after `timeoutMs`). */
export function runSchemathesis(st: Schemathesis, args: string[], options: { cwd: string; timeoutMs: number }): Promise<SchemathesisRun> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs;
  return new Promise((resolvePromise, reject) => {
    // Through a small launcher: hypothesis names its filters (for reprs only) by parsing their source
    // with `ast`, which on CPython 3.11 can fail deep in a stack ("SystemError: AST constructor
    // recursion depth mismatch", a tool error that leaves an operation untested). A plain name does.
    const launcher = [
      'import sys',
      'import hypothesis.internal.lambda_sources as sources',
      "sources.lambda_description = lambda f: getattr(f, '__name__', 'lambda')",
      "sys.argv = ['schemathesis'] + sys.argv[1:]",
      'from schemathesis.cli import schemathesis',
      'schemathesis()',
    ].join('\n');
    const child = spawn(st.python, ['-c', launcher, ...args], {
      cwd: options.cwd,
      env: { ...process.env, PYTHONPATH: st.target, NO_COLOR: '1', SCHEMATHESIS_HOOKS: '', PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: string[] = [];
    child.stdout.on('data', (d) => chunks.push(String(d)));
    child.stderr.on('data', (d) => chunks.push(String(d)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, output: chunks.join(''), ms: Date.now() - started });
    });
  });
}
