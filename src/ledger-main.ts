/**
 * `npm run ledger`: the Excel ledger from the command line, straight against the database (like
 * `npm run reconcile`): import a file of children and cases, export the ledger.
 *
 *   npm run ledger -- import 台账.xlsx [--good-rows] [--town GULING] [--dry-run]
 *   npm run ledger -- export 台账.xlsx [--town GULING]
 */
import 'reflect-metadata';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { Client, Connection } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { displayWidth } from './api/auth/demo-accounts';
import { commandOperator, CommandRefusedError, runCommand } from './infra/command-database';
import { exportLedger } from './ledger/export-ledger';
import { importLedger, ImportReport, NoCaseEngineError } from './ledger/import-ledger';
import { LedgerLayoutError, LedgerProblem } from './ledger/parse-ledger';
import { LedgerTooLargeError, UnsupportedLedgerFileError } from './ledger/read-sheet';
import { loadPolicy } from './policy/load-policy';
import { recordPolicy } from './read-model/policies';
import { loadTowns, Town } from './read-model/town';
import { AesGcmPayloadCodec, baoxueDataConverter, resolvePayloadKeys } from './temporal/codec';
import { installTemporalRuntime } from './temporal/runtime';
import { TemporalCaseEngine } from './temporal/temporal-case-engine';

const HELP = `npm run ledger -- import <file.xlsx|file.csv> [--good-rows] [--town <code>] [--dry-run] [--reopen-closed]
npm run ledger -- export <file.xlsx> [--town <code>]

台账导入导出 / The Excel ledger.
  import    检查每一行；有不合格的行时不导入任何数据，逐行报告打印成表格并写入 <文件名>.errors.csv
            Checks every row; if any is bad nothing is imported, the row-by-row report is printed
            and written as <file>.errors.csv next to the file.
            Rows with 辍学原因 open a case once the children are in (needs the case workflows'
            worker: a running \`npm start\`, or TEMPORAL_ADDRESS with the deployment's workers).
  export    案件台账 and 儿童名册 of the town as .xlsx (full ID numbers: keep the file safe).

  --good-rows   import the good rows, report the bad ones / 只导入合格的行
  --dry-run     check and count, write nothing / 只检查不写入
  --reopen-closed  open a new case for a row whose child's case was closed (销号); without it
                such rows open nothing and are listed / 重新立案（默认：已销号的不重新立案）
  --town CODE   the town (default: the first town file of BAOXUE_TOWNS / BAOXUE_TOWN)
  -h, --help

Exit code 0: imported (or exported); 1: rows are bad (nothing imported, unless --good-rows); 2: could not run.
Uses DATABASE_URL, or the embedded default's data folder (BAOXUE_DATA_DIR).`;

interface Args {
  command?: 'import' | 'export';
  file?: string;
  goodRows: boolean;
  dryRun: boolean;
  reopenClosed: boolean;
  town?: string;
  problems: string[];
}

export function parseArgs(argv: string[]): Args & { help: boolean } {
  const args: Args & { help: boolean } = { goodRows: false, dryRun: false, reopenClosed: false, problems: [], help: false };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') args.help = true;
    else if (a === '--good-rows') args.goodRows = true;
    else if (a === '--dry-run') args.dryRun = true;
    else if (a === '--reopen-closed') args.reopenClosed = true;
    else if (a === '--town') args.town = argv[++i];
    else if (a.startsWith('--town=')) args.town = a.slice('--town='.length);
    else if (a.startsWith('-')) args.problems.push(`unknown option ${a}`);
    else rest.push(a);
  }
  if (rest[0] === 'import' || rest[0] === 'export') args.command = rest[0];
  else if (!args.help) args.problems.push(rest[0] ? `unknown command ${rest[0]} (import or export)` : 'name a command: import or export');
  args.file = rest[1];
  if (args.command && !args.file) args.problems.push(`${args.command}: name the file`);
  if (rest.length > 2) args.problems.push(`unexpected ${rest.slice(2).join(' ')}`);
  if (args.command === 'export' && (args.goodRows || args.dryRun)) args.problems.push('--good-rows and --dry-run are for import');
  return args;
}

export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  const args = parseArgs(argv);
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  if (args.problems.length > 0) {
    console.error(`${args.problems.join('\n')}\n\n${HELP}`);
    return 2;
  }
  return runCommand(
    {
      applicationName: 'baoxue-ledger',
      poolSize: 10,
      failure: `台账${args.command === 'export' ? '导出' : '导入'}未能完成 / the ${args.command} could not run`,
      explain: explainLedgerError,
    },
    async ({ config, readModel, cleanup }) => {
      const towns = loadTowns(config.townPaths);
      if (args.town !== undefined && !towns.has(args.town)) throw new CommandRefusedError(`没有这个乡镇 / no town ${args.town}; this deployment serves ${towns.codes.join(', ')}`);
      const town = args.town === undefined ? towns.default : towns.get(args.town);
      const { dataSource, temporalAddress } = await readModel();

      if (args.command === 'export') {
        const bytes = await exportLedger(dataSource, { town, caseScope: { kind: 'ALL' }, childScope: { kind: 'ALL' }, masked: false });
        writeFileSync(args.file!, bytes);
        await recordAudit(dataSource, town, 'EXPORT_LEDGER', `ledger export ${basename(args.file!)}`, {});
        console.log(`已导出 / exported ${town.name.zh} (${town.code}) → ${args.file}`);
        return 0;
      }

      if (!existsSync(args.file!)) throw new CommandRefusedError(`找不到文件 / no such file: ${args.file}`);
      const bytes = readFileSync(args.file!);
      let engine: TemporalCaseEngine | undefined;
      if (temporalAddress && !args.dryRun) {
        installTemporalRuntime();
        const connection = await Connection.connect({ address: temporalAddress, connectTimeout: 5_000 }).catch(() => undefined);
        if (connection) {
          cleanup(() => connection.close());
          const keys = resolvePayloadKeys(config, { create: false });
          if (!keys) console.error('警告 / warning: no payload key (BAOXUE_PAYLOAD_KEYS or <BAOXUE_DATA_DIR>/payload-keys): the workers cannot read cases opened from here');
          const client = new Client({ connection, namespace: config.temporalNamespace, dataConverter: baoxueDataConverter(keys && new AesGcmPayloadCodec(keys)) });
          const policy = loadPolicy(config.policyPath);
          // The cases opened here carry this policy: the worker's projection reads it from the read model (tasks are planned from it).
          await recordPolicy(dataSource, policy);
          engine = new TemporalCaseEngine(client, policy);
        }
      }
      const operator = commandOperator();
      const bar = new SingleBar({ format: ' {phase} [{bar}] {value}/{total}', hideCursor: true, clearOnComplete: true }, Presets.shades_classic);
      let barPhase: string | undefined;
      const large = bytes.length > 200_000; // a bar for a large file; a small one is done before it would draw
      const report = await importLedger(
        { dataSource, engine },
        {
          town,
          fileName: basename(args.file!),
          bytes,
          goodRowsOnly: args.goodRows,
          dryRun: args.dryRun,
          reopenClosedCases: args.reopenClosed,
          // Inline here (the operator's own process, a bar for progress); bounded as the API's jobs are.
          limits: { maxUnpackedBytes: config.ledgerMaxUnpackedBytes, maxRows: config.ledgerMaxRows },
          importer: { userId: null, username: operator, actor: `台账导入（${operator}）`, via: 'CLI' },
          onProgress: (phase, done, total) => {
            if (!large && phase === 'children') return;
            const label = phase === 'children' ? '儿童 children' : '立案 cases';
            if (barPhase !== label) {
              if (barPhase) bar.stop();
              bar.start(total, 0, { phase: label });
              barPhase = label;
            }
            bar.update(done);
          },
        },
      ).finally(() => barPhase && bar.stop());

      if (report.status !== 'DRY_RUN') await recordAudit(dataSource, town, 'IMPORT_LEDGER', `ledger import ${basename(args.file!)}`, { importId: report.importId, counts: report.counts, status: report.status });
      printReport(report, args.file!);
      return report.status === 'REJECTED' ? 1 : 0;
    },
  );
}

/** The ledger's own refusals, explained in Chinese and English; exit 2. */
function explainLedgerError(err: unknown): number | undefined {
  if (err instanceof UnsupportedLedgerFileError || err instanceof LedgerLayoutError || err instanceof LedgerTooLargeError) {
    console.error(`${err.zh}\n${err.message}`);
    return 2;
  }
  if (err instanceof NoCaseEngineError) {
    console.error(
      `文件中有 ${err.caseRows} 行需要立案，但连接不到案件流程引擎；未导入任何数据。请先启动 baoxue（npm start）或设置 TEMPORAL_ADDRESS。\n` +
        `${err.message}; nothing was imported. Start baoxue (npm start) or set TEMPORAL_ADDRESS.`,
    );
    return 2;
  }
  return undefined;
}

/** The command line's import and export are audited like the API's, under the operator's name. */
async function recordAudit(dataSource: DataSource, town: Town, what: 'IMPORT_LEDGER' | 'EXPORT_LEDGER', path: string, detail: Record<string, unknown>): Promise<void> {
  await dataSource.query(
    `INSERT INTO audit_log (user_id, username, role, ip, method, path, what, status, detail, town) VALUES (NULL, $1, NULL, NULL, 'CLI', $2, $3, 200, $4::jsonb, $5)`,
    [commandOperator(), path.slice(0, 500), what, JSON.stringify(detail), town.code],
  );
}

function printReport(report: ImportReport, file: string): void {
  const c = report.counts;
  const verb = report.status === 'DRY_RUN' ? '将' : '';
  if (report.unknownColumns.length > 0) {
    console.log(`未识别的列（未导入）/ unknown columns (not imported): ${report.unknownColumns.map((u) => `${u.sheet}!${u.column} "${u.header}"`).join(', ')}`);
  }
  if (report.problems.length > 0) {
    const errorsFile = join(dirname(file), `${basename(file, extname(file))}.errors.csv`);
    writeFileSync(errorsFile, problemsCsv(report.problems));
    printTable(report.problems.slice(0, 50));
    if (report.problems.length > 50) console.log(`  …（共 ${report.problems.length} 处 / ${report.problems.length} problems in all）`);
    console.log(`逐行报告 / row-by-row report: ${errorsFile}`);
  }
  if (report.status === 'REJECTED') {
    console.log(`有 ${c.badRows} 行不合格（共 ${c.rows} 行），未导入任何数据；改正后重新导入，或用 --good-rows 只导入合格的行。`);
    console.log(`${c.badRows} of ${c.rows} rows are bad; nothing was imported. Correct them and import again, or use --good-rows.`);
    return;
  }
  console.log(
    `${report.status === 'DRY_RUN' ? '试运行（未写入）/ dry run (nothing written): ' : ''}` +
      `${c.rows} 行 rows, ${c.badRows} 行不合格 bad; 儿童 children: ${verb}新增 created ${c.created}, ${verb}更新 updated ${c.updated}, 不变 unchanged ${c.unchanged}; ` +
      `案件 cases: ${verb}立案 opened ${c.casesOpened}, 已有未结案件 already open ${c.casesAlreadyOpen}${c.casesFailed ? `, 未能立案 failed ${c.casesFailed}` : ''}` +
      `${report.importId ? ` (imports ${report.importId})` : ''}`,
  );
  for (const f of report.closedCases.slice(0, 20)) console.log(`  ${f.sheet} 第 ${f.row} 行 / row ${f.row}: ${f.message}`);
  for (const f of report.caseFailures.slice(0, 20)) console.log(`  ${f.sheet} 第 ${f.row} 行 / row ${f.row}: ${f.message}`);
}

function printTable(problems: LedgerProblem[]): void {
  const rows = problems.map((p) => [String(p.row), p.column ? `${p.column} ${p.header}` : '', p.value.slice(0, 24), p.message]);
  const header = ['行 row', '列 column', '值 value', '问题 problem'];
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => displayWidth(r[i]))));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell + ' '.repeat(widths[i] - displayWidth(cell)))).join('  ');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

function problemsCsv(problems: LedgerProblem[]): string {
  const quote = (v: string | number) => (/[",\r\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  const lines = [['工作表 sheet', '行 row', '列 column', '表头 header', '值 value', '问题', 'problem'], ...problems.map((p) => [p.sheet, p.row, p.column, p.header, p.value, p.message, p.messageEn])];
  // With a BOM, so Excel opens the Chinese text as UTF-8.
  return `\ufeff${lines.map((l) => l.map(quote).join(',')).join('\r\n')}\r\n`;
}

if (require.main === module) {
  void main().then((code) => process.exit(code));
}
