/**
 * Where the tests' PostgreSQL server is: global-setup puts its URL (DATABASE_URL, or an embedded
 * server it started) into BAOXUE_TEST_DATABASE_SERVER; each test file makes its own database there.
 */
export const TEST_DATABASE_SERVER_ENV = 'BAOXUE_TEST_DATABASE_SERVER';

export function testDatabaseServerUrl(): string {
  const url = process.env[TEST_DATABASE_SERVER_ENV];
  if (!url) {
    throw new Error(
      `${TEST_DATABASE_SERVER_ENV} is not set: run the tests through jest (test/support/global-setup.ts sets it), ` +
        'or set DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres',
    );
  }
  return url;
}

/** The same server URL with another database name. */
export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
