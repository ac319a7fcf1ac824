/**
 * `npm run reconcile`: 人账相符 by hand. Compares every open case of the ledger with the running
 * case workflows, both ways, prints the differences in Chinese and English, stores the run in
 * reconciliation_runs, and exits 0 when they agree, 1 when they differ, 2 when it could not check.
 *
 * It reads the same settings as the app. With DATABASE_URL and TEMPORAL_ADDRESS it uses those. On
 * the embedded default it uses the data folder: while `npm start` runs, its PostgreSQL (found from
 * the cluster's postmaster.pid) and its Temporal on port 7233; while it is stopped, it starts both on
 * the data folder itself and stops them afterwards.
 *
 *   npm run reconcile            report
 *   npm run reconcile -- --json  the report as JSON (for scripts)
 */
import 'reflect-metadata';
import { runCommand } from './infra/command-database';
import { commandTemporalClient } from './infra/command-temporal';
import { reconcile } from './reconciliation/reconcile';
import { formatReport } from './reconciliation/report';
import { recordReconciliationRun } from './reconciliation/runs';
import { installTemporalRuntime } from './temporal/runtime';

const HELP = `npm run reconcile [-- --json]

人账相符核对 / Reconciliation: every open case in the ledger has its running workflow, and every
running case workflow has its open case. Exit code 0: they agree; 1: differences (listed); 2: could not check.
Uses DATABASE_URL / TEMPORAL_ADDRESS, or the embedded default's data folder (BAOXUE_DATA_DIR).`;

export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  const json = argv.includes('--json');
  const say = (line: string) => (json ? console.error(line) : console.log(line));
  installTemporalRuntime();
  return runCommand({ applicationName: 'baoxue-reconcile', failure: '人账相符核对未能完成 / the reconciliation could not run' }, async (ctx) => {
    const { dataSource } = await ctx.readModel();
    const client = await commandTemporalClient(ctx, say);

    const report = await reconcile({ dataSource, client });
    const runId = await recordReconciliationRun(dataSource, report, 'command');
    if (json) console.log(JSON.stringify({ runId, ...report }, null, 2));
    else console.log(`${formatReport(report)}\n(reconciliation_runs ${runId})`);
    return report.consistent ? 0 : 1;
  });
}

if (require.main === module) {
  void main().then((code) => process.exit(code));
}
