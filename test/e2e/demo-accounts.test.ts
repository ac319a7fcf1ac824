/**
 * Demo accounts never reach a real deployment unless asked for: against a real PostgreSQL (and
 * the built app, `dist/main.js`, for the refused start). Seeding a demo town on a database that
 * holds any real account is refused (and the start ends with exit code 2 before anything else
 * starts); a deployment that did not ask for them has its demo accounts switched off; the embedded
 * default gets a password of its own per data folder, never a well-known one; and neither the
 * compose file's defaults nor the public OpenAPI document carry a usable password.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { DemoSeedRefusedError, DEMO_ACCOUNTS, seedDemoAccounts } from '../../src/api/auth/demo-accounts';
import { hashPassword } from '../../src/api/auth/passwords';
import { prepareAuth } from '../../src/api/auth/prepare-auth';
import { loadConfig } from '../../src/config';
import { DemoAccounts1766300000000 } from '../../src/read-model/migrations/1766300000000-demo-accounts';
import { loadTowns } from '../../src/read-model/town';
import { createTestApi } from '../support/api-app';
import { DEMO_PASSWORD } from '../support/auth';
import { DIST, freePort } from '../support/processes';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const towns = loadTowns();
const ROOT = resolve(__dirname, '..', '..');

async function addRealAccount(db: TestDatabase, username = 'zhang.real') {
  await db.dataSource.query(`INSERT INTO users (username, display_name, password_hash, role, town) VALUES ($1, '张真人', $2, 'COORDINATOR', 'GULING')`, [
    username,
    await hashPassword('a-real-password-of-a-real-person'),
  ]);
}

const count = async (db: TestDatabase, where = 'true') => (await db.dataSource.query(`SELECT count(*)::int AS n FROM users WHERE ${where}`))[0].n as number;

describe('on a database that holds real accounts', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    await addRealAccount(db);
  });

  afterAll(() => db?.drop());

  it('seeding the demo town is refused, naming the accounts found, and writes nothing', async () => {
    const refused = await seedDemoAccounts(db.dataSource, DEMO_PASSWORD).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(DemoSeedRefusedError);
    expect((refused as Error).message).toMatch(/演示账号未创建.*1 个非演示账号（zhang\.real）/);
    expect((refused as Error).message).toMatch(/Demo accounts not seeded: the database holds 1 account\(s\) that are not demo accounts \(zhang\.real\)/);
    expect(await count(db)).toBe(1);
  });

  it('the app started with BAOXUE_SEED_DEMO=true ends at once with exit code 2 and says why', async () => {
    const env = {
      ...process.env,
      DATABASE_URL: db.url,
      // Unreachable on purpose: the refusal comes before Temporal is even asked.
      TEMPORAL_ADDRESS: '127.0.0.1:9',
      BAOXUE_SEED_DEMO: 'true',
      BAOXUE_DEMO_PASSWORD: DEMO_PASSWORD,
      BAOXUE_DATA_DIR: mkdtempSync(join(tmpdir(), 'baoxue-demo-refused-')),
      BAOXUE_PAYLOAD_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
      BAOXUE_TOKEN_SECRET: 'demo-refused-test-token-secret-0123456789',
      PORT: String(await freePort()),
    };
    const started = Date.now();
    const child = spawn(process.execPath, [join(DIST, 'main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += String(d)));
    child.stderr.on('data', (d) => (output += String(d)));
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    expect({ code, output }).toEqual({ code: 2, output: expect.stringMatching(/start failed: 演示账号未创建/) });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(await count(db)).toBe(1);
  });
});

describe('a deployment that did not ask for demo accounts', () => {
  it('has the demo accounts of an earlier seeding switched off at start, and is told so', async () => {
    const db = await createTestDatabase();
    try {
      await seedDemoAccounts(db.dataSource, DEMO_PASSWORD);
      expect(await count(db, 'demo AND active')).toBe(DEMO_ACCOUNTS.length);
      const lines: string[] = [];
      const config = { ...loadConfig({}), databaseUrl: db.url, seedDemo: false, dataDir: mkdtempSync(join(tmpdir(), 'baoxue-demo-off-')), tokenSecret: 'x'.repeat(40) };
      await prepareAuth({ config, dataSource: db.dataSource, towns, log: (line) => lines.push(line) });
      expect(await count(db, 'active')).toBe(0);
      expect(lines.join('\n')).toContain(`${DEMO_ACCOUNTS.length} demo accounts were switched off`);
      // Asked for again (on a database with nothing else), they come back.
      await prepareAuth({ config: { ...config, seedDemo: true, demoPassword: DEMO_PASSWORD }, dataSource: db.dataSource, towns });
      expect(await count(db, 'demo AND active')).toBe(DEMO_ACCOUNTS.length);
    } finally {
      await db.drop();
    }
  });
});

describe('the embedded default', () => {
  it('gets a password generated for its data folder (0600), shown once on the console and never in a log again; the accounts log in with it', async () => {
    const db = await createTestDatabase();
    try {
      const dataDir = mkdtempSync(join(tmpdir(), 'baoxue-demo-embedded-'));
      const config = { ...loadConfig({}), dataDir, databaseUrl: undefined, demoPassword: undefined, seedDemo: true };
      const first: string[] = [];
      const auth = await prepareAuth({ config, dataSource: db.dataSource, towns, log: (line) => first.push(line) });
      const file = join(dataDir, 'demo-password');
      const password = readFileSync(file, 'utf8').trim();
      expect(password).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(first.filter((line) => line.includes(password))).toHaveLength(1);
      expect(first.join('\n')).toContain(`password 密码: in ${file}`);

      const again: string[] = [];
      await prepareAuth({ config, dataSource: db.dataSource, towns, log: (line) => again.push(line) });
      expect(again.join('\n')).not.toContain(password);
      expect(readFileSync(file, 'utf8').trim()).toBe(password);

      // Another data folder, another password.
      const other = mkdtempSync(join(tmpdir(), 'baoxue-demo-embedded-'));
      await prepareAuth({ config: { ...config, dataDir: other }, dataSource: db.dataSource, towns });
      expect(readFileSync(join(other, 'demo-password'), 'utf8').trim()).not.toBe(password);

      const api = await createTestApi({ dataSource: db.dataSource, seedDemo: false });
      try {
        await seedDemoAccounts(db.dataSource, password); // the folder the app was started with
        expect(auth.tokenSecret.length).toBeGreaterThanOrEqual(32);
        await request(api.server).post('/api/auth/login').send({ username: 'leader', password }).expect(200);
        await request(api.server).post('/api/auth/login').send({ username: 'leader', password: 'baoxue-demo' }).expect(401);
      } finally {
        await api.close();
      }
    } finally {
      await db.drop();
    }
  });
});

describe('what is published names no usable password', () => {
  it("docker-compose.yml's defaults seed no demo accounts and carry no password", () => {
    const resolved = composeDefaults(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'));
    const api = resolved.slice(resolved.indexOf('\n  api:'), resolved.indexOf('\n  worker:'));
    expect(api).toMatch(/\n\s+BAOXUE_SEED_DEMO: false\n/);
    expect(api).toMatch(/\n\s+BAOXUE_DEMO_PASSWORD: \n/);
    expect(resolved).not.toContain('baoxue-demo');
  });

  it('the OpenAPI document shows a placeholder, not a password', async () => {
    const db = await createTestDatabase();
    const api = await createTestApi({ dataSource: db.dataSource });
    try {
      const doc = await request(api.server).get('/api/docs-json').expect(200);
      expect(doc.body.components.schemas.LoginRequestDto.properties.password.example).toBe('<your password>');
      expect(doc.text).not.toContain('baoxue-demo');
      expect(doc.text).not.toContain(DEMO_PASSWORD);
    } finally {
      await api.close();
      await db.drop();
    }
  });
});

describe('migration 1766300000000', () => {
  it('marks the accounts an earlier seeding made as demo accounts, and no account made one by one', async () => {
    const db = await createTestDatabase();
    try {
      const runner = db.dataSource.createQueryRunner();
      const migration = new DemoAccounts1766300000000();
      await migration.down(runner);
      const shared = await hashPassword('baoxue-demo');
      for (const [username, role] of [['leader', 'LEADER'], ['coordinator', 'COORDINATOR']]) {
        await runner.query(`INSERT INTO users (username, display_name, password_hash, role, town) VALUES ($1, $1, $2, $3, 'GULING')`, [username, shared, role]);
      }
      // A real deputy who happens to be called `deputy`, with a password of his own.
      await runner.query(`INSERT INTO users (username, display_name, password_hash, role, town) VALUES ('deputy', '王军', $1, 'DEPUTY_LEADER', 'GULING')`, [await hashPassword('his-own')]);
      await migration.up(runner);
      await runner.release();
      expect(await db.dataSource.query(`SELECT username, demo FROM users ORDER BY username`)).toEqual([
        { username: 'coordinator', demo: true },
        { username: 'deputy', demo: false },
        { username: 'leader', demo: true },
      ]);
    } finally {
      await db.drop();
    }
  });
});

/**
 * The compose file as `docker compose config` resolves it with nothing set but the secrets it
 * requires: `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`, `${VAR}`, `$$`.
 */
function composeDefaults(text: string): string {
  const required = new Set(['BAOXUE_PAYLOAD_KEYS', 'BAOXUE_TOKEN_SECRET']);
  return text
    .replace(/^\s*#.*$/gm, '')
    .replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*)|(:?\?)([^}]*))?\}/g, (whole, name: string | undefined, _dash, fallback: string | undefined, question) => {
      if (whole === '$$') return '$';
      if (required.has(name!)) return 'set-in-dot-env';
      if (question !== undefined) throw new Error(`compose requires ${name}`);
      return fallback ?? '';
    });
}
