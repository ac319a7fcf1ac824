/**
 * `npm run backup` / `npm run restore`: backup and restore of the embedded default's data folder
 * (docs/operations.md: Backup and restore). The folder holds everything a case needs: the
 * embedded PostgreSQL cluster (the read model: cases, timeline, accounts, audit log), the Temporal
 * dev server's database file (the workflows with their timers) and the keys (payload-keys: without
 * it the cases in Temporal cannot be read; token-secret). Both databases are copied while baoxue
 * is stopped: a stopped PostgreSQL cluster and a closed SQLite file are consistent as files, and
 * the read model and Temporal are taken at the same moment. A deployment on DATABASE_URL and
 * TEMPORAL_ADDRESS (docker compose) backs up its PostgreSQL databases with pg_dump instead.
 *
 *   npm run backup [-- --out <folder>]
 *   npm run restore -- <folder> [--force]
 */
import { cpSync, existsSync, lchownSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { BaoxueConfig } from './config';
import { CommandRefusedError, runCommand } from './infra/command-database';
import { runningEmbeddedPostgresUrl } from './infra/embedded-postgres';

const HELP = `npm run backup [-- --out <folder>]
npm run restore -- <folder> [--force]

备份与恢复（内置默认部署）/ Backup and restore of the embedded default (npm start, BAOXUE_DATA_DIR).
  backup    先停止 baoxue（npm start）。复制数据目录：内置 PostgreSQL（台账、时间线、账号、审计）、
            Temporal 数据库文件（案件流程及其计时器）和密钥（payload-keys、token-secret）。
            Stop baoxue first. Copies the data folder: the embedded PostgreSQL (read model, timeline,
            accounts, audit log), the Temporal database file (the case workflows and their timers) and
            the keys (payload-keys, token-secret). Default folder: backups/baoxue-<date>-<time>.
  restore   先停止 baoxue。把备份放回数据目录；数据目录已有数据时拒绝，除非 --force（原数据移到
            <数据目录>.before-restore-<时间>，不删除）。然后 npm start，案件和计时器照常运行。
            Stop baoxue first. Puts a backup back as the data folder; refused when the folder holds
            data unless --force (which moves it aside to <folder>.before-restore-<time>, never deletes).
            Then npm start: every case and its timers carry on.

  --out DIR   where backup writes (must not exist yet)
  --force     restore over a data folder that holds data (it is moved aside)
  -h, --help

Exit code 0: done; 2: refused or could not run. With DATABASE_URL / TEMPORAL_ADDRESS (docker compose)
back up with pg_dump instead: docs/operations.md, Backup and restore.`;

/** What a backup holds, written beside it as backup.json and checked before a restore. */
export const MANIFEST = 'backup.json';
const REQUIRED = [join('postgres', 'PG_VERSION'), join('temporal', 'temporal.db'), 'payload-keys'];
/** Files of a running server, never copied (the copy is of stopped databases). */
const SKIPPED = new Set(['postmaster.pid', 'postmaster.opts']);

interface Manifest {
  kind: 'baoxue-data-folder';
  createdAt: string;
  from: string;
  files: number;
  bytes: number;
}

export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    console.log(HELP);
    return 0;
  }
  const [command, ...rest] = argv;
  const failure = command === 'restore' ? '恢复未能完成 / the restore could not run' : '备份未能完成 / the backup could not run';
  return runCommand({ applicationName: 'baoxue-backup', failure }, async ({ config }) => {
    if (config.databaseUrl || config.temporalAddress) {
      throw new CommandRefusedError(
        '设置了 DATABASE_URL 或 TEMPORAL_ADDRESS：请用 pg_dump 备份这些数据库（docs/operations.md「备份与恢复」）。\n' +
          'DATABASE_URL or TEMPORAL_ADDRESS is set: back those databases up with pg_dump (docs/operations.md, Backup and restore).',
      );
    }
    if (command === 'backup') return backup(config, option(rest, '--out'));
    if (command === 'restore') return restore(config, rest.find((a) => !a.startsWith('--')), rest.includes('--force'));
    throw new CommandRefusedError(`${command ? `unknown command ${command}` : 'name a command: backup or restore'}\n\n${HELP}`);
  });
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function refuseWhileRunning(dataDir: string): void {
  if (runningEmbeddedPostgresUrl(join(dataDir, 'postgres'))) {
    throw new CommandRefusedError(`baoxue 正在使用 ${dataDir}：请先停止（npm start 所在终端按 Ctrl+C）。\nbaoxue is running on ${dataDir}: stop it first (Ctrl+C where npm start runs).`);
  }
}

function stamp(date = new Date()): string {
  return date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

function backup(config: BaoxueConfig, out: string | undefined): number {
  const from = config.dataDir;
  refuseWhileRunning(from);
  const missing = REQUIRED.filter((f) => !existsSync(join(from, f)));
  if (missing.length > 0) throw new CommandRefusedError(`${from} 不是 baoxue 的数据目录（缺少 ${missing.join(', ')}）/ ${from} holds no baoxue data (missing ${missing.join(', ')}); is BAOXUE_DATA_DIR right?`);
  const target = resolve(out ?? join('backups', `baoxue-${stamp()}`));
  if (existsSync(target)) throw new CommandRefusedError(`${target} 已存在 / already exists: name a new folder with --out`);
  mkdirSync(target, { recursive: true, mode: 0o700 });
  // Keys and databases keep their modes (0600 keys, the 0700 cluster): PostgreSQL and baoxue refuse looser ones.
  copyFolder(from, target, (path) => !SKIPPED.has(path.split('/').pop()!));
  const { files, bytes } = sizeOf(target);
  const manifest: Manifest = { kind: 'baoxue-data-folder', createdAt: new Date().toISOString(), from, files, bytes };
  writeFileSync(join(target, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  console.log(`已备份 / backed up ${from} → ${target} (${files} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB)`);
  console.log('备份含密钥，请妥善保管 / the backup holds the keys: keep it as safe as the data itself');
  return 0;
}

function restore(config: BaoxueConfig, from: string | undefined, force: boolean): number {
  if (!from) throw new CommandRefusedError(`name the backup folder: npm run restore -- <folder>\n\n${HELP}`);
  const source = resolve(from);
  const manifestPath = join(source, MANIFEST);
  if (!existsSync(manifestPath)) throw new CommandRefusedError(`${source} 不是 baoxue 备份（没有 ${MANIFEST}）/ ${source} is not a baoxue backup (no ${MANIFEST})`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const missing = REQUIRED.filter((f) => !existsSync(join(source, f)));
  if (manifest.kind !== 'baoxue-data-folder' || missing.length > 0) throw new CommandRefusedError(`${source} 不完整 / is incomplete (missing ${missing.join(', ')})`);
  const target = config.dataDir;
  refuseWhileRunning(target);
  if (existsSync(target) && readdirSync(target).length > 0) {
    if (!force) throw new CommandRefusedError(`${target} 已有数据；确认要用备份替换时加 --force（原数据会移到旁边，不删除）/ ${target} holds data; add --force to replace it (it is moved aside, not deleted)`);
    const aside = `${target}.before-restore-${stamp()}`;
    renameSync(target, aside);
    console.log(`原数据已移到 / the data folder was moved aside to ${aside}`);
  }
  mkdirSync(target, { recursive: true, mode: 0o700 });
  copyFolder(source, target, (path) => path !== MANIFEST);
  console.log(`已恢复 / restored ${source} (${manifest.createdAt}) → ${target}; start baoxue (npm start), then check with npm run reconcile`);
  return 0;
}

/**
 * A copy that keeps modes and, as root, owners: as root the embedded PostgreSQL runs as the OS user
 * `postgres` (src/infra/embedded-postgres.ts), which must still own its cluster after a restore.
 */
function copyFolder(from: string, to: string, keep: (relativePath: string) => boolean): void {
  cpSync(from, to, { recursive: true, preserveTimestamps: true, filter: (src) => src === from || keep(relative(from, src)) });
  if (process.getuid?.() !== 0) return;
  for (const entry of readdirSync(to, { withFileTypes: true, recursive: true })) {
    const copied = join(entry.parentPath, entry.name);
    const original = statSync(join(from, relative(to, copied)));
    lchownSync(copied, original.uid, original.gid);
  }
  const top = statSync(from);
  lchownSync(to, top.uid, top.gid);
}

function sizeOf(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    files += 1;
    bytes += statSync(join(entry.parentPath, entry.name)).size;
  }
  return { files, bytes };
}

if (require.main === module) {
  void main().then((code) => process.exit(code));
}
