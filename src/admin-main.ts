/**
 * `npm run admin`: the first administrator of a deployment, from the command line, so that a
 * deployment on DATABASE_URL starts without SQL.
 *
 *   npm run admin -- create-first --town GULING --username admin [--name 故陵镇账号管理员] [--password-stdin]
 */
import 'reflect-metadata';
import { passwordProblems, oneTimePassword } from './api/auth/password-rule';
import { createFirstAdmin, FirstAdminRefusedError } from './accounts/first-admin';
import { commandOperator, CommandRefusedError, runCommand } from './infra/command-database';
import { loadTowns } from './read-model/town';

const HELP = `npm run admin -- create-first --town <code> --username <name> [--name <显示名>] [--password-stdin]

账号管理（命令行）/ Account administration from the command line.
  create-first   在没有任何账号的数据库上创建第一个账号管理员（TOWN_ADMIN），打印一次性密码；
                 首次登录（/app）时须修改。数据库中已有账号时拒绝（退出码 2）：之后的账号由管理员在"账号管理"页面创建。
                 Creates the first account administrator (TOWN_ADMIN) on a database with no accounts and
                 prints a one-time password, changed at the first log-in. Refused (exit 2) when any account
                 exists: after the first, the administrator creates accounts in the application.

  --town CODE        乡镇代码（本部署的乡镇文件之一）/ the town's code (one of BAOXUE_TOWNS / BAOXUE_TOWN)
  --username NAME    用户名：小写字母、数字、. _ - / lower case letters, digits, . _ -
  --name TEXT        显示名（默认"<乡镇>账号管理员"）/ display name (default: "<town> account administrator")
  --password-stdin   从标准输入读一次性密码，不打印 / read the one-time password from stdin instead of printing one
  -h, --help

Exit code 0: created; 2: refused or could not run.
Uses DATABASE_URL, or the embedded default's data folder (BAOXUE_DATA_DIR).`;

interface Args {
  command?: 'create-first';
  town?: string;
  username?: string;
  name?: string;
  passwordStdin: boolean;
  help: boolean;
  problems: string[];
}

export function parseArgs(argv: string[]): Args {
  const args: Args = { passwordStdin: false, help: false, problems: [] };
  const rest: string[] = [];
  const valueOf = (i: number, flag: string): string | undefined => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) args.problems.push(`${flag}: give a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') args.help = true;
    else if (a === '--password-stdin') args.passwordStdin = true;
    else if (a === '--town') args.town = valueOf(i++, a);
    else if (a === '--username') args.username = valueOf(i++, a);
    else if (a === '--name') args.name = valueOf(i++, a);
    else if (a.startsWith('-')) args.problems.push(`unknown option ${a}`);
    else rest.push(a);
  }
  if (args.help) return args;
  if (rest[0] === 'create-first') args.command = 'create-first';
  else args.problems.push(rest[0] ? `unknown command ${rest[0]} (create-first)` : 'name a command: create-first');
  if (rest.length > 1) args.problems.push(`unexpected ${rest.slice(1).join(' ')}`);
  if (args.command && !args.town) args.problems.push('--town: name the town (e.g. --town GULING)');
  if (args.command && !args.username) args.problems.push('--username: name the account (e.g. --username admin)');
  return args;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
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
      applicationName: 'baoxue-admin',
      failure: '未能创建管理员 / could not create the administrator',
      explain: (err) => (err instanceof FirstAdminRefusedError ? (console.error(err.message), 2) : undefined),
    },
    async ({ config, readModel }) => {
      const towns = loadTowns(config.townPaths);
      if (!towns.has(args.town!)) throw new CommandRefusedError(`没有这个乡镇 / no town ${args.town}; this deployment serves ${towns.codes.join(', ')}`);
      const town = towns.get(args.town!);
      let password = oneTimePassword();
      if (args.passwordStdin) {
        password = await readStdin();
        const problems = passwordProblems(password, { username: args.username! });
        if (problems.length > 0) throw new CommandRefusedError(`密码不符合要求 / the password is too weak: ${problems.map((p) => `${p.zh} / ${p.en}`).join('; ')}`);
      }
      const { dataSource } = await readModel();
      const created = await createFirstAdmin(dataSource, {
        town: town.code,
        username: args.username!,
        displayName: args.name?.trim() || `${town.name.zh}账号管理员`,
        password,
        operator: commandOperator(),
      });
      console.log(`已创建第一个账号管理员 / created the first account administrator: ${created.username} (${town.name.zh} ${town.code})`);
      if (!args.passwordStdin) console.log(`一次性密码（只显示这一次，首次登录须修改）/ one-time password, shown this once, changed at the first log-in: ${password}`);
      else console.log('一次性密码取自标准输入，首次登录须修改 / the one-time password is the one read from stdin; changed at the first log-in');
      return 0;
    },
  );
}


if (require.main === module) {
  void main().then((code) => process.exit(code));
}
