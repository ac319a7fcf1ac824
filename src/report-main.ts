/**
 * `npm run report -- --month 2026-10`: the monthly monitoring report (动态监测书面报告) of any month,
 * by hand. Generates the figures, the .xlsx and the PDF, stores them (the dashboard lists them) and
 * writes the two files into --out (default ./reports). The same report the schedule makes on the 1st.
 *
 * Database: DATABASE_URL when set; otherwise the embedded default's data folder (the running app's
 * PostgreSQL, or, when the app is stopped, started on the folder for the run).
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CommandRefusedError, runCommand } from './infra/command-database';
import { isMonthKey, monthOf, previousMonth } from './dashboard/china-time';
import { FIGURE_KEYS, FIGURE_LABELS } from './dashboard/reports/monthly-report';
import { generateMonthlyReport } from './dashboard/reports/report-store';
import { loadTowns } from './read-model';
import { commandOptions } from './infra/command-options';

const HELP = `npm run report -- --month YYYY-MM [--town CODE] [--out DIR]

动态监测书面报告 / Monthly monitoring report of a town, with a section per area and school:
  --month YYYY-MM   the month (China time); default: the month before this one
  --town CODE       one town (its code in the town file, e.g. GULING); default: every town served
  --out DIR         where to write the .xlsx and the PDF (default: ./reports)
  --help            this text
The report is also stored in the database (listed on the dashboard, /dashboard). A month in which
nothing happened gives a nil report (零报告). Uses DATABASE_URL, or the embedded default's data
folder (BAOXUE_DATA_DIR). Exit code 0: written; 2: could not (the reason is printed).`;

export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  const { option, unknown } = commandOptions(argv, ['--month', '--out', '--town']);
  if (unknown.length > 0) {
    console.error(`不认识的参数 / unknown option: ${unknown.join(' ')}\n\n${HELP}`);
    return 2;
  }
  const month = option('--month') ?? previousMonth(monthOf(new Date()));
  if (!isMonthKey(month)) {
    console.error(`月份格式应为 2026-10 / the month must look like 2026-10, not "${month}"`);
    return 2;
  }
  const outDir = resolve(option('--out') ?? 'reports');

  return runCommand({ applicationName: 'baoxue-report', failure: '报告未能生成 / the report could not be generated' }, async ({ config, readModel }) => {
    const towns = loadTowns(config.townPaths);
    const only = option('--town');
    if (only !== undefined && !towns.has(only)) throw new CommandRefusedError(`没有这个乡镇 / no such town: "${only}"; served: ${towns.codes.join(', ')}`);
    const { dataSource } = await readModel();
    mkdirSync(outDir, { recursive: true });
    for (const town of only ? [towns.get(only)] : towns.all) {
      const { report, xlsx, pdf } = await generateMonthlyReport({ dataSource, town }, month, 'command');
      const base = join(outDir, `baoxue-report-${town.code}-${month}`);
      writeFileSync(`${base}.xlsx`, xlsx);
      writeFileSync(`${base}.pdf`, pdf);
      console.log(`${town.name.zh} ${month} 动态监测书面报告 / monthly monitoring report${report.nil ? '（零报告 / nil report）' : ''}`);
      for (const key of FIGURE_KEYS) console.log(`  ${FIGURE_LABELS[key].zh} / ${FIGURE_LABELS[key].en}: ${report.totals[key]}`);
      console.log(`written: ${base}.xlsx, ${base}.pdf (and stored for the dashboard)`);
    }
    return 0;
  });
}

if (require.main === module) {
  void main().then((code) => process.exit(code));
}
