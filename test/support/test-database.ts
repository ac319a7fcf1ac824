/**
 * A fresh, migrated database per test file, on the server global-setup provides:
 *
 *   const db = await createTestDatabase();   // { url, name, dataSource, drop() }
 *   afterAll(() => db.drop());
 */
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createDataSource, openReadModel } from '../../src/read-model/data-source';
import { testDatabaseServerUrl, withDatabase } from './database-server';

export interface TestDatabase {
  /** URL of the new database. */
  url: string;
  name: string;
  /** Initialised and migrated. */
  dataSource: DataSource;
  /** Closes the data source and drops the database (even with other connections open). */
  drop(): Promise<void>;
}

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const server = testDatabaseServerUrl();
  const name = `baoxue_test_${randomBytes(6).toString('hex')}`;
  await onServer(server, (admin) => admin.query(`CREATE DATABASE "${name}"`));
  const url = withDatabase(server, name);
  let dataSource: DataSource;
  try {
    if (options.migrate === false) {
      dataSource = await createDataSource({ url, poolSize: 5, quiet: true }).initialize();
    } else {
      dataSource = await openReadModel({ url, poolSize: 5, applicationName: 'baoxue-test', quiet: true });
    }
  } catch (err) {
    await onServer(server, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    throw err;
  }
  return {
    url,
    name,
    dataSource,
    async drop() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await onServer(server, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

async function onServer<T>(serverUrl: string, work: (admin: DataSource) => Promise<T>): Promise<T> {
  const admin = new DataSource({ type: 'postgres', url: serverUrl, poolSize: 1, installExtensions: false, logging: false });
  await admin.initialize();
  try {
    return await work(admin);
  } finally {
    await admin.destroy();
  }
}
