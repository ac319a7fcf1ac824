import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { PROJECT_ROOT } from '../../src/project-root';

describe('loadConfig', () => {
  it('has defaults for everything: embedded database and Temporal, files in the project', () => {
    expect(loadConfig({}, '/somewhere')).toEqual({
      port: 3000,
      dataDir: resolve(PROJECT_ROOT, 'data'),
      databaseUrl: undefined,
      temporalAddress: undefined,
      temporalNamespace: 'default',
      policyPath: resolve(PROJECT_ROOT, 'policies/default.json'),
      townPath: resolve(PROJECT_ROOT, 'towns/guling.json'),
    });
  });

  it('reads the environment; relative paths from the current directory; blank means unset', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        BAOXUE_DATA_DIR: 'var/baoxue',
        DATABASE_URL: 'postgres://baoxue:secret@db:5432/baoxue',
        TEMPORAL_ADDRESS: 'temporal:7233',
        TEMPORAL_NAMESPACE: 'guling',
        BAOXUE_POLICY: '/etc/baoxue/policy.json',
        BAOXUE_TOWN: ' ',
      },
      '/srv',
    );
    expect(config).toMatchObject({
      port: 8080,
      dataDir: '/srv/var/baoxue',
      databaseUrl: 'postgres://baoxue:secret@db:5432/baoxue',
      temporalAddress: 'temporal:7233',
      temporalNamespace: 'guling',
      policyPath: '/etc/baoxue/policy.json',
      townPath: resolve(PROJECT_ROOT, 'towns/guling.json'),
    });
  });

  it('fails fast, naming every bad setting at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: '80a', DATABASE_URL: 'mysql://db/x', TEMPORAL_ADDRESS: 'http://temporal' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'PORT: "80a" is not a port number (1-65535)',
      'DATABASE_URL: the scheme must be postgres:// or postgresql://, not mysql://',
      'TEMPORAL_ADDRESS: "http://temporal" is not host:port (for example 127.0.0.1:7233)',
    ]);
  });
});
