/** The small pure parts of log-in and audit: masks, the client's address, the bearer header, the token key file, the demo table. */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storable } from '../../src/api/audit/audit-log';
import { clientIp } from '../../src/api/audit/client-ip';
import { actorName } from '../../src/api/auth/auth-user';
import { bearerToken } from '../../src/api/auth/auth.guard';
import { DEMO_ACCOUNTS, demoAccountsTable, displayWidth } from '../../src/api/auth/demo-accounts';
import { maskIdNumber, maskPhone } from '../../src/access/masking';
import { hashPassword, verifyPassword } from '../../src/api/auth/passwords';
import { ROLES } from '../../src/access/roles';
import { resolveTokenSecret } from '../../src/api/auth/token-secret';
import { loadTown } from '../../src/read-model/town';

describe('masks', () => {
  it('keep the region and the last four characters of an ID number', () => {
    expect(maskIdNumber('500235201203150034')).toBe('500235********0034');
    expect(maskIdNumber('50023520120315003X')).toBe('500235********003X');
  });

  it('keep the first three and the last four digits of a phone, and the separators', () => {
    expect(maskPhone('13800000000')).toBe('138****0000');
    expect(maskPhone('023-55123456')).toBe('023-****3456');
    expect(maskPhone('+86 13800000000')).toBe('+86 *******0000');
    expect(maskPhone('12345')).toBe('*****');
  });
});

describe('the client address in the audit log', () => {
  it('is the connection address when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    expect(clientIp('203.0.113.7', '10.0.0.1', 0)).toBe('203.0.113.7');
    expect(clientIp('::ffff:127.0.0.1', undefined, 0)).toBe('127.0.0.1');
  });

  it('behind trusted proxies, is the address the outermost of them saw; entries the client wrote are not believed', () => {
    expect(clientIp('10.0.0.2', '198.51.100.9', 1)).toBe('198.51.100.9');
    expect(clientIp('10.0.0.2', '6.6.6.6, 198.51.100.9', 1)).toBe('198.51.100.9');
    expect(clientIp('10.0.0.3', '6.6.6.6, 198.51.100.9, 10.0.0.2', 2)).toBe('198.51.100.9');
    expect(clientIp('10.0.0.2', undefined, 1)).toBe('10.0.0.2');
  });
});

describe('text written to the audit log', () => {
  it('has NUL and unpaired surrogates replaced (PostgreSQL refuses them), so a hostile request is still recorded', () => {
    expect(storable('a\u0000b')).toBe('a\ufffdb');
    expect(storable('x\ud800y\udc00z')).toBe('x\ufffdy\ufffdz');
    expect(storable('儿童 😀 ok')).toBe('儿童 😀 ok');
  });
});

describe('the Authorization header', () => {
  it('yields the bearer token, nothing without a header or with another scheme, and an empty token when malformed', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer   abc')).toBe('abc');
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('Basic dXNlcjpwdw==')).toBeUndefined();
    expect(bearerToken('Bearer')).toBe('');
    expect(bearerToken('Bearer a b')).toBe('');
  });
});

describe('passwords', () => {
  it('are argon2id hashes that verify only the right password, and a broken hash verifies nothing', async () => {
    const hash = await hashPassword('baoxue-demo');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, 'baoxue-demo')).toBe(true);
    expect(await verifyPassword(hash, 'baoxue-demO')).toBe(false);
    expect(await verifyPassword('not a hash', 'baoxue-demo')).toBe(false);
  });
});

describe('the token key', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baoxue-secret-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('comes from BAOXUE_TOKEN_SECRET when set, and then no file is written', () => {
    expect(resolveTokenSecret({ secret: 'x'.repeat(40), dataDir: dir, shared: true })).toEqual({ secret: 'x'.repeat(40), source: 'env' });
    expect(() => statSync(join(dir, 'token-secret'))).toThrow();
  });

  it('is generated once into the data folder with mode 0600, and read again after', () => {
    const lines: string[] = [];
    const first = resolveTokenSecret({ dataDir: dir, shared: false, log: (l) => lines.push(l) });
    expect(first.source).toBe('generated');
    expect(first.secret.length).toBeGreaterThanOrEqual(32);
    expect(statSync(first.file!).mode & 0o777).toBe(0o600);
    const again = resolveTokenSecret({ dataDir: dir, shared: false, log: (l) => lines.push(l) });
    expect(again).toMatchObject({ source: 'file', secret: first.secret });
    expect(lines).toEqual([]);
  });

  it('warns when an external database means several API processes may need one shared key, and tightens a loose file', () => {
    const file = join(dir, 'token-secret');
    writeFileSync(file, 'y'.repeat(48));
    chmodSync(file, 0o644);
    const lines: string[] = [];
    expect(resolveTokenSecret({ dataDir: dir, shared: true, log: (l) => lines.push(l) }).secret).toBe('y'.repeat(48));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(lines.join('\n')).toMatch(/readable by others/);
    expect(lines.join('\n')).toMatch(/set BAOXUE_TOKEN_SECRET/);
  });

  it('refuses a file that holds too short a key', () => {
    writeFileSync(join(dir, 'token-secret'), 'short', { mode: 0o600 });
    expect(() => resolveTokenSecret({ dataDir: dir, shared: false })).toThrow(/at least 32 characters/);
    expect(readFileSync(join(dir, 'token-secret'), 'utf8')).toBe('short');
  });
});

describe('the demo accounts', () => {
  it('cover every role with a user name that says it, and the notice names the people', () => {
    expect(new Set(DEMO_ACCOUNTS.map((a) => a.role))).toEqual(new Set(ROLES));
    const byName = Object.fromEntries(DEMO_ACCOUNTS.map((a) => [a.username, a]));
    expect(Object.keys(byName)).toEqual(
      expect.arrayContaining(['leader', 'deputy', 'coordinator', 'officer', 'principal', 'teacher', 'secretary', 'cadre', 'town', 'justice', 'police']),
    );
    expect(byName.leader.displayName).toBe('张术清');
    expect(byName.principal).toMatchObject({ displayName: '谢勇', school: 'GULING_PRIMARY' });
    expect(byName.teacher).toMatchObject({ school: 'GULING_PRIMARY', grade: 5, className: '五年级二班' });
    expect(byName.secretary).toMatchObject({ displayName: '吴家俊', area: 'GAOPING' });
    expect(actorName(byName.principal)).toBe('谢勇（principal）');
  });

  it('print as an aligned table with role and scope, saying where the password is, never the password', () => {
    const lines = demoAccountsTable(loadTown(), 'in /srv/baoxue/data/demo-password');
    expect(lines[0]).toContain('password 密码: in /srv/baoxue/data/demo-password');
    expect(lines).toHaveLength(DEMO_ACCOUNTS.length + 2);
    const teacher = lines.find((l) => l.trim().startsWith('teacher'))!;
    expect(teacher).toContain('班主任/教师 / Class teacher');
    expect(teacher).toContain('故陵小学 5年级 五年级二班');
    expect(lines.find((l) => l.trim().startsWith('secretary'))).toContain('高坪村 GAOPING');
    // The scope column starts at the same terminal column on every line (CJK characters take two).
    const column = (line: string) => displayWidth(line.slice(0, line.lastIndexOf('  ') + 2));
    expect(new Set(lines.slice(1).map(column)).size).toBe(1);

  });
});
