/**
 * What start-up does for log-in before the API serves: find the token key (BAOXUE_TOKEN_SECRET or
 * the generated one under the data folder) and, when seeding is on, create or refresh the demo
 * accounts and print them (refused on a database with real accounts: DemoSeedRefusedError); when
 * it is off, switch any demo accounts off.
 */
import type { DataSource } from 'typeorm';
import type { BaoxueConfig } from '../../config';
import { UserEntity } from '../../read-model/entities';
import type { Towns } from '../../read-model/town';
import type { AuthOptions } from './auth.options';
import { deactivateDemoAccounts, demoAccountsTable, seedDemoAccounts } from './demo-accounts';
import { resolveDemoPassword } from './demo-password';
import { resolveTokenSecret } from './token-secret';

export async function prepareAuth(options: {
  config: BaoxueConfig;
  dataSource: DataSource;
  /** The demo accounts belong to the default town. */
  towns: Towns;
  log?: (line: string) => void;
}): Promise<AuthOptions> {
  const { config, dataSource, towns } = options;
  const town = towns.default;
  const log = options.log ?? (() => undefined);
  const { secret } = resolveTokenSecret({ secret: config.tokenSecret, dataDir: config.dataDir, shared: config.databaseUrl !== undefined, log });
  if (config.seedDemo) {
    const password = resolveDemoPassword({ password: config.demoPassword, dataDir: config.dataDir });
    const seeded = await seedDemoAccounts(dataSource, password.value, undefined, town.code);
    if (seeded.created.length + seeded.updated.length > 0) {
      log(`演示账号 / demo accounts: ${seeded.created.length} created, ${seeded.updated.length} updated`);
    }
    const where = password.file ? `in ${password.file}` : 'the value of BAOXUE_DEMO_PASSWORD';
    for (const line of demoAccountsTable(town, where)) log(line);
    if (password.source === 'generated') {
      log(`演示账号的密码（仅此一次显示，保存在 ${password.file}）/ the demo accounts' password, shown this once (kept in ${password.file}): ${password.value}`);
    }
  } else {
    const off = await deactivateDemoAccounts(dataSource);
    if (off.length > 0) {
      log(`警告 / warning: ${off.length} demo accounts were switched off (BAOXUE_SEED_DEMO is not true): ${off.slice(0, 5).join(', ')}${off.length > 5 ? ', ...' : ''}`);
    }
    if ((await dataSource.getRepository(UserEntity).count({ where: { active: true } })) === 0) {
      log('警告 / warning: there are no active accounts, so nobody can log in; `npm run admin -- create-first --town <code> --username <name>` creates the first administrator (or BAOXUE_SEED_DEMO=true the demo accounts, on a database without real ones)');
    }
  }
  return { tokenSecret: secret, trustProxyHops: config.trustProxyHops, sessionTtlSeconds: config.sessionTtlSeconds };
}
