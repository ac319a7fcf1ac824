/**
 * What start-up does for log-in before the API serves: find the token key (BAOXUE_TOKEN_SECRET or
 * the generated one under the data folder) and, when seeding is on, create or refresh the demo
 * accounts and print them.
 */
import type { DataSource } from 'typeorm';
import { BaoxueConfig, DEFAULT_DEMO_PASSWORD } from '../../config';
import { UserEntity } from '../../read-model/entities';
import type { Towns } from '../../read-model/town';
import type { AuthOptions } from './auth.options';
import { demoAccountsTable, seedDemoAccounts } from './demo-accounts';
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
    const seeded = await seedDemoAccounts(dataSource, config.demoPassword, undefined, town.code);
    if (seeded.created.length + seeded.updated.length > 0) {
      log(`演示账号 / demo accounts: ${seeded.created.length} created, ${seeded.updated.length} updated`);
    }
    for (const line of demoAccountsTable(town, { value: config.demoPassword, isDefault: config.demoPassword === DEFAULT_DEMO_PASSWORD })) log(line);
  } else if ((await dataSource.getRepository(UserEntity).count({ where: { active: true } })) === 0) {
    log('警告 / warning: there are no active accounts, so nobody can log in; BAOXUE_SEED_DEMO=true creates the demo accounts');
  }
  return { tokenSecret: secret, trustProxyHops: config.trustProxyHops };
}
