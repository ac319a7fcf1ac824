/**
 * `npm run what-if -- --policy FILE [--weeks 8]`: what a draft policy would do to the town's running
 * cases (src/what-if, docs/what-if.md), printed as tables in Chinese and English beside the current
 * policy, or as JSON. Reads only: no case is touched.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CommandRefusedError, runCommand } from './infra/command-database';
import { commandTemporalClient } from './infra/command-temporal';
import { loadPolicy } from './policy/load-policy';
import { loadTowns } from './read-model';
import { TemporalCaseEngine } from './temporal/temporal-case-engine';
import { installTemporalRuntime } from './temporal/runtime';
import { Policy, policyProblems } from './workflows/policy';
import { formatWhatIf } from './what-if/what-if-table';
import { DEFAULT_WEEKS, MAX_WEEKS, WhatIfService } from './what-if/what-if.service';
import { commandOptions } from './infra/command-options';

const HELP = `npm run what-if -- --policy FILE [--weeks N] [--town CODE] [--json]

政策推演 / What-if: rebuilds every open case of the town from its Temporal history under the draft
policy, lets its deadlines run with no human action, and prints per week, per stage and per area
how many cases would escalate, to which stage, and which would wait at a legal gate, beside the
policy each case runs under today. Nothing is changed.
  --policy FILE   the draft policy (the form of policies/default.json), required
  --weeks N       weeks to forecast, 1 to ${MAX_WEEKS} (default ${DEFAULT_WEEKS})
  --town CODE     the town (default: the deployment's first town)
  --json          the whole report as JSON on stdout (progress on stderr)
  --help          this text
Uses DATABASE_URL / TEMPORAL_ADDRESS, or the embedded default's data folder (BAOXUE_DATA_DIR).
Exit code 0: printed; 2: could not (the reason is printed, e.g. the draft's problems).`;

export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  const { option, unknown } = commandOptions(argv, ['--policy', '--weeks', '--town', '--json']);
  if (unknown.length > 0) {
    console.error(`不认识的参数 / unknown option: ${unknown.join(' ')}\n\n${HELP}`);
    return 2;
  }
  const file = option('--policy');
  if (!file) {
    console.error(`请用 --policy 指定政策草案文件 / name the draft policy with --policy FILE\n\n${HELP}`);
    return 2;
  }
  const weeks = Number(option('--weeks') ?? DEFAULT_WEEKS);
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > MAX_WEEKS) {
    console.error(`周数应为 1 到 ${MAX_WEEKS} 的整数 / --weeks must be a whole number from 1 to ${MAX_WEEKS}`);
    return 2;
  }
  let draft: unknown;
  try {
    draft = JSON.parse(readFileSync(resolve(file), 'utf8'));
  } catch (err) {
    console.error(`读不了政策草案 / cannot read the draft policy ${file}: ${(err as Error).message}`);
    return 2;
  }
  const problems = policyProblems(draft);
  if (problems.length > 0) {
    console.error(`政策草案有 ${problems.length} 处问题 / the draft policy ${file} has ${problems.length} problem(s):\n  - ${problems.join('\n  - ')}`);
    return 2;
  }
  const json = argv.includes('--json');
  const say = (line: string) => (json ? console.error(line) : console.log(line));
  installTemporalRuntime();
  return runCommand({ applicationName: 'baoxue-what-if', failure: '政策推演未能完成 / the what-if could not run' }, async (ctx) => {
    const towns = loadTowns(ctx.config.townPaths);
    const code = option('--town') ?? towns.default.code;
    if (!towns.has(code)) throw new CommandRefusedError(`没有这个乡镇 / no such town: "${code}"; served: ${towns.codes.join(', ')}`);
    const { dataSource } = await ctx.readModel();
    const client = await commandTemporalClient(ctx, say);
    const engine = new TemporalCaseEngine(client, loadPolicy(ctx.config.policyPath));
    let shown = 0;
    const report = await new WhatIfService(dataSource, engine).forecast(code, draft as Policy, weeks, ({ read, of }) => {
      // A line per tenth, so a town of thousands of cases shows it is moving without flooding the terminal.
      if (read === of || read - shown >= Math.max(1, Math.ceil(of / 10))) {
        shown = read;
        console.error(`读取案件历史 / reading case histories: ${read}/${of}`);
      }
    });
    if (json) console.log(JSON.stringify(report, null, 2));
    else console.log(formatWhatIf(report, (area) => towns.get(code).areaLabel(area)));
    return 0;
  });
}

if (require.main === module) {
  void main().then((code) => process.exit(code));
}
