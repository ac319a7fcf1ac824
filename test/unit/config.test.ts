import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { PROJECT_ROOT } from '../../src/project-root';

describe('loadConfig', () => {
  it('has defaults for everything: embedded database and Temporal, files in the project', () => {
    // The settings of log-in, hardening and the payload codec have tests of their own below.
    expect(loadConfig({}, '/somewhere')).toMatchObject({
      port: 3000,
      dataDir: resolve(PROJECT_ROOT, 'data'),
      databaseUrl: undefined,
      temporalAddress: undefined,
      temporalNamespace: 'default',
      policyPath: resolve(PROJECT_ROOT, 'policies/default.json'),
      townPaths: [resolve(PROJECT_ROOT, 'towns/guling.json')],
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
      townPaths: [resolve(PROJECT_ROOT, 'towns/guling.json')],
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

describe('loadConfig: towns', () => {
  it('BAOXUE_TOWN names one town file; BAOXUE_TOWNS several files or folders, the first being the default town', () => {
    expect(loadConfig({ BAOXUE_TOWN: 'towns/a.json' }, '/srv').townPaths).toEqual(['/srv/towns/a.json']);
    expect(loadConfig({ BAOXUE_TOWNS: 'towns/guling.json, /etc/baoxue/towns' }, '/srv').townPaths).toEqual(['/srv/towns/guling.json', '/etc/baoxue/towns']);
  });

  it('BAOXUE_LEDGER_MAX_SIZE takes 20mb, 500kb or bytes, and refuses anything else', () => {
    expect(loadConfig({}).ledgerMaxBytes).toBe(20 * 1024 * 1024);
    expect(loadConfig({ BAOXUE_LEDGER_MAX_SIZE: '500kb' }).ledgerMaxBytes).toBe(512_000);
    expect(loadConfig({ BAOXUE_LEDGER_MAX_SIZE: '1048576' }).ledgerMaxBytes).toBe(1_048_576);
    expect(() => loadConfig({ BAOXUE_LEDGER_MAX_SIZE: '2gb' })).toThrow(/BAOXUE_LEDGER_MAX_SIZE: "2gb" is not a size/);
  });

  it('refuses BAOXUE_TOWN and BAOXUE_TOWNS together', () => {
    expect(() => loadConfig({ BAOXUE_TOWN: 'a.json', BAOXUE_TOWNS: 'b.json' })).toThrow(/BAOXUE_TOWN and BAOXUE_TOWNS are both set/);
  });
});

describe('loadConfig: log-in and audit settings', () => {
  it('defaults: a generated token key, demo accounts on the embedded database with a password generated per data folder, no proxy trusted, lockout after 5', () => {
    expect(loadConfig({})).toMatchObject({ tokenSecret: undefined, demoPassword: undefined, seedDemo: true, trustProxyHops: 0, loginLockoutAfter: 5 });
  });

  it('seeds no demo accounts on an external database unless BAOXUE_SEED_DEMO=true says so, and then only with a password given', () => {
    const external = { DATABASE_URL: 'postgres://baoxue@db:5432/baoxue' };
    expect(loadConfig(external).seedDemo).toBe(false);
    expect(loadConfig({ ...external, BAOXUE_SEED_DEMO: 'true', BAOXUE_DEMO_PASSWORD: 'a-given-password' }).seedDemo).toBe(true);
    expect(() => loadConfig({ ...external, BAOXUE_SEED_DEMO: 'true' })).toThrow(/BAOXUE_SEED_DEMO=true with DATABASE_URL needs BAOXUE_DEMO_PASSWORD/);
    expect(loadConfig({ BAOXUE_SEED_DEMO: 'false' }).seedDemo).toBe(false);
  });

  it('reads the account lockout, from 3 to 100 failed log-ins', () => {
    expect(loadConfig({ BAOXUE_LOGIN_LOCKOUT: '8' }).loginLockoutAfter).toBe(8);
    for (const bad of ['2', '101', 'off', '5x']) expect(() => loadConfig({ BAOXUE_LOGIN_LOCKOUT: bad })).toThrow(/BAOXUE_LOGIN_LOCKOUT/);
  });

  it('reads the token key, the demo password and the proxies in front', () => {
    const config = loadConfig({
      BAOXUE_TOKEN_SECRET: 'k'.repeat(40),
      BAOXUE_DEMO_PASSWORD: 'another-password',
      BAOXUE_TRUST_PROXY: 'true',
    });
    expect(config).toMatchObject({ tokenSecret: 'k'.repeat(40), demoPassword: 'another-password', trustProxyHops: 1 });
    expect(loadConfig({ BAOXUE_TRUST_PROXY: '2' }).trustProxyHops).toBe(2);
    expect(loadConfig({ BAOXUE_TRUST_PROXY: 'false' }).trustProxyHops).toBe(0);
  });

  it('fails fast on a short token key, a short demo password and unreadable switches', () => {
    let error: unknown;
    try {
      loadConfig({ BAOXUE_TOKEN_SECRET: 'short', BAOXUE_DEMO_PASSWORD: 'abc', BAOXUE_SEED_DEMO: 'maybe', BAOXUE_TRUST_PROXY: 'nginx' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^BAOXUE_TOKEN_SECRET: too short \(5 characters\)/),
      'BAOXUE_DEMO_PASSWORD: use at least 8 characters',
      'BAOXUE_SEED_DEMO: "maybe" is not true or false',
      'BAOXUE_TRUST_PROXY: "nginx" is not true, false or a number of proxies',
    ]);
  });
});

describe('loadConfig: rate limits', () => {
  it('defaults: 300 requests a minute per client, 10 log-ins a minute per address', () => {
    expect(loadConfig({})).toMatchObject({ rateLimit: { limit: 300, windowMs: 60_000 }, loginRateLimit: { limit: 10, windowMs: 60_000 } });
  });

  it('reads requests per window, or a bare count per minute', () => {
    expect(loadConfig({ BAOXUE_RATE_LIMIT: '1000/1h', BAOXUE_LOGIN_RATE_LIMIT: '5' })).toMatchObject({
      rateLimit: { limit: 1000, windowMs: 3_600_000 },
      loginRateLimit: { limit: 5, windowMs: 60_000 },
    });
    expect(loadConfig({ BAOXUE_RATE_LIMIT: '20 / 30s' }).rateLimit).toEqual({ limit: 20, windowMs: 30_000 });
    expect(loadConfig({ BAOXUE_RATE_LIMIT: '60/m' }).rateLimit).toEqual({ limit: 60, windowMs: 60_000 });
  });

  it('refuses what is not a limit', () => {
    expect(() => loadConfig({ BAOXUE_RATE_LIMIT: 'fast', BAOXUE_LOGIN_RATE_LIMIT: '0/1m' })).toThrow(
      /BAOXUE_RATE_LIMIT: "fast" is not a rate limit[\s\S]*BAOXUE_LOGIN_RATE_LIMIT: "0\/1m" is not a rate limit/,
    );
  });
  describe('worker tuning (BAOXUE_WORKER_*)', () => {
    it('keeps every SDK default when nothing is set', () => {
      expect(loadConfig({}).workerTuning).toEqual({});
    });

    it('reads the cache size, the slots, the pollers and reuseV8Context', () => {
      expect(
        loadConfig({
          BAOXUE_WORKER_CACHED_WORKFLOWS: '12000',
          BAOXUE_WORKER_WORKFLOW_TASK_SLOTS: '80',
          BAOXUE_WORKER_ACTIVITY_TASK_SLOTS: '200',
          BAOXUE_WORKER_WORKFLOW_TASK_POLLERS: '4',
          BAOXUE_WORKER_ACTIVITY_TASK_POLLERS: '8',
          BAOXUE_WORKER_REUSE_V8_CONTEXT: 'false',
          BAOXUE_WORKER_WORKFLOW_THREADS: '3',
        }).workerTuning,
      ).toEqual({
        maxCachedWorkflows: 12000,
        maxConcurrentWorkflowTaskExecutions: 80,
        maxConcurrentActivityTaskExecutions: 200,
        maxConcurrentWorkflowTaskPolls: 4,
        maxConcurrentActivityTaskPolls: 8,
        reuseV8Context: false,
        workflowThreadPoolSize: 3,
      });
    });

    it('refuses values the SDK would refuse, naming the setting', () => {
      expect(() => loadConfig({ BAOXUE_WORKER_WORKFLOW_TASK_SLOTS: '1' })).toThrow(/BAOXUE_WORKER_WORKFLOW_TASK_SLOTS: "1" is not a whole number \(at least 2\)/);
      expect(() => loadConfig({ BAOXUE_WORKER_CACHED_WORKFLOWS: 'lots' })).toThrow(/BAOXUE_WORKER_CACHED_WORKFLOWS/);
      expect(() => loadConfig({ BAOXUE_WORKER_WORKFLOW_THREADS: '0' })).toThrow(/BAOXUE_WORKER_WORKFLOW_THREADS: "0" is not a whole number \(at least 1\)/);
      expect(() => loadConfig({ BAOXUE_WORKER_REUSE_V8_CONTEXT: 'yes' })).toThrow(/BAOXUE_WORKER_REUSE_V8_CONTEXT: "yes" is not true or false/);
    });
  });
});

describe('loadConfig: bounded waits', () => {
  it('defaults: statements 10 s, connections 5 s, Temporal calls 10 s; reads durations', () => {
    expect(loadConfig({}).timeouts).toEqual({ dbStatementMs: 10_000, dbConnectMs: 5_000, temporalCallMs: 10_000 });
    expect(loadConfig({ BAOXUE_DB_STATEMENT_TIMEOUT: '30s', BAOXUE_DB_CONNECT_TIMEOUT: '2s', BAOXUE_TEMPORAL_TIMEOUT: '1m' }).timeouts).toEqual({
      dbStatementMs: 30_000,
      dbConnectMs: 2_000,
      temporalCallMs: 60_000,
    });
  });

  it('refuses what is not a duration from 1 s to 10 min, naming the setting', () => {
    expect(() => loadConfig({ BAOXUE_DB_STATEMENT_TIMEOUT: '0s' })).toThrow(/BAOXUE_DB_STATEMENT_TIMEOUT: "0s" is not a duration/);
    expect(() => loadConfig({ BAOXUE_TEMPORAL_TIMEOUT: 'never' })).toThrow(/BAOXUE_TEMPORAL_TIMEOUT/);
    expect(() => loadConfig({ BAOXUE_DB_CONNECT_TIMEOUT: '1h' })).toThrow(/BAOXUE_DB_CONNECT_TIMEOUT/);
  });
});
