/**
 * Fuzz: at least 10,000 malformed or hostile requests against the real app (a real Temporal dev
 * server, a real PostgreSQL, composed as `npm start` composes it): bad JSON, wrong types, huge
 * strings, deep nesting, SQL and script fragments in every field, unicode oddities, unknown action
 * types, other areas' case ids, random ids, no token, tampered and expired tokens, odd methods,
 * headers and raw HTTP. Every answer must be a 4xx (never a 5xx, never a success) in the one error
 * shape without a stack trace, and nothing may be written: the contents of cases, case_events,
 * children, guardians and idempotency_keys are compared before and after. Requests that look valid
 * but must be refused (another area's case, a second case for a child, an action the stage does not
 * allow, an ended case) go through the database and the engine and must leave no trace either.
 *
 * Seeded: BAOXUE_FUZZ_SEED=<n> replays a run (the seed is printed), BAOXUE_FUZZ_REQUESTS=<n> sets
 * the count. The rate limits are raised for this test (config), or the fuzz would measure them.
 */
import { request as httpRequest, Agent } from 'node:http';
import { connect } from 'node:net';
import { rmSync } from 'node:fs';
import request from 'supertest';
import type { RunningBaoxue } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import { ERROR_CODES } from '../../src/api/errors';
import { ACTION_TYPES } from '../../src/workflows/vocabulary';
import { tokenFor, withToken } from '../support/auth';
import { validIdNumber } from '../support/fixtures';
import { Rng, brokenJson, deepValue, hostileStrings, hostileToken, wrongValue, SQL_FRAGMENTS, SCRIPT_FRAGMENTS, UNICODE_ODDITIES } from '../support/hostile';
import { reportBody, startApp, testConfig } from '../support/running-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const SEED = Number(process.env.BAOXUE_FUZZ_SEED ?? 20261129);
const REQUESTS = Number(process.env.BAOXUE_FUZZ_REQUESTS ?? 10_000);
const CONCURRENCY = 12;
const TOKEN_SECRET = 'fuzz-token-secret-0123456789abcdef0123456789';

let db: TestDatabase;
let app: RunningBaoxue;
const config = testConfig({
  // Days, not seconds: no timer may write an event while the fuzz counts what was written.
  policyPath: loadConfig({}).policyPath,
  tokenSecret: TOKEN_SECRET,
  rateLimit: { limit: 10_000_000, windowMs: 60_000 },
  loginRateLimit: { limit: 10_000_000, windowMs: 60_000 },
});

interface Seeded {
  /** Open cases in 高坪村 (the secretary's area) and 红椿村 (not). */
  gaoping: string[];
  hongchun: string[];
  /** A case that has ended. */
  ended: string;
  /** ID numbers and ids of children with an open case. */
  openChildren: Array<{ idNumber: string; childId: string; area: string }>;
}

let seeded: Seeded;
let tokens: { coordinator?: string; secretary?: string };

beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
  // Every request writes an audit row, and each commit would wait for the disk: this test is about
  // answers, not durability, so commits of this test database do not wait (10,000 requests in < 60 s).
  await db.dataSource.query(`ALTER DATABASE "${db.name}" SET synchronous_commit = off`);
  config.databaseUrl = db.url;
  app = await startApp(config);
  const api = app.apiUrl!;
  tokens = {
    coordinator: await tokenFor(api, 'coordinator').catch(() => undefined),
    secretary: await tokenFor(api, 'secretary').catch(() => undefined),
  };
  const open = async (area: string) => {
    const body = reportBody({ child: { ...reportBody().child, idNumber: validIdNumber('2013-04-04', 'M'), sex: 'M', birthDate: '2013-04-04', area } });
    const res = await withToken(request(api).post('/api/cases'), tokens.coordinator).send(body);
    expect(res.status).toBe(201);
    return { id: res.body.id as string, idNumber: body.child.idNumber, childId: res.body.child.id as string, area };
  };
  const g = [await open('高坪村'), await open('高坪村')];
  const h = [await open('红椿村'), await open('红椿村')];
  const e = await open('高坪村');
  await withToken(request(api).post(`/api/cases/${e.id}/actions`), tokens.coordinator).send({ type: 'CANCEL', reason: '误报' }).expect(200);
  seeded = { gaoping: g.map((c) => c.id), hongchun: h.map((c) => c.id), ended: e.id, openChildren: [...g, ...h] };
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await db?.drop();
  rmSync(config.dataDir, { recursive: true, force: true });
});

/** A fingerprint of everything in the tables a request could write to. */
async function contents(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [table, order] of [
    ['cases', 'id'],
    ['case_events', 'id'],
    ['children', 'id'],
    ['guardians', 'id'],
    ['idempotency_keys', 'principal, key'],
  ]) {
    const [row] = await db.dataSource.query(`SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY ${order}), '')) AS digest FROM ${table} t`);
    out[table] = `${row.n} rows, md5 ${row.digest}`;
  }
  return out;
}

/** Percent-encoded; a lone surrogate becomes the bytes of its invalid UTF-8 encoding. */
function pct(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return `${encodeURIComponent(text.replace(/[\ud800-\udfff]/g, ''))}%ED%A0%80`;
  }
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null');
}

interface FuzzRequest {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** Sent byte by byte over a socket (malformed HTTP that Node's client refuses to write). */
  raw?: Buffer;
}

function generator(rng: Rng) {
  const api = new URL(app.apiUrl!);
  const validReport = () => reportBody({ child: { ...reportBody().child, idNumber: validIdNumber('2012-06-01', 'F') } });
  const anyCaseId = () =>
    rng.pick([
      rng.uuid(),
      rng.pick(seeded.gaoping),
      rng.pick(seeded.hongchun),
      seeded.ended,
      '00000000-0000-0000-0000-000000000000',
      pct(rng.pick(SQL_FRAGMENTS)),
      pct(hostileStrings(rng).slice(0, 200)),
      '..%2F..%2Fetc%2Fpasswd',
      '%00',
      'x'.repeat(rng.int(37, 2_000)),
    ]);
  /** Ids nobody can read: random, malformed, hostile. */
  const unreadableId = () =>
    rng.pick([
      rng.uuid(),
      '00000000-0000-0000-0000-000000000000',
      pct(rng.pick(SQL_FRAGMENTS)),
      pct(hostileStrings(rng).slice(0, 200)),
      '..%2F..%2Fetc%2Fpasswd',
      '%00',
      '%E0%A4%A',
      'x'.repeat(rng.int(37, 2_000)),
    ]);
  /** Mostly a valid coordinator token, so the request reaches validation; sometimes none or a hostile one. */
  const auth = (headers: Record<string, string>, kind: string): string => {
    const r = rng.next();
    if (r < 0.78 && tokens.coordinator) headers.authorization = `Bearer ${tokens.coordinator}`;
    else if (r < 0.84) return `${kind}/no-token`;
    else if (r < 0.97) {
      // (Node's client writes printable ASCII only.)
      headers.authorization = `Bearer ${hostileToken(rng, tokens.coordinator, TOKEN_SECRET).replace(/[^\x20-\x7e]/g, '?')}`;
      return `${kind}/bad-token`;
    } else headers.authorization = rng.pick(['Basic YWRtaW46YWRtaW4=', 'Bearer', 'bearer  ', `Token ${tokens.coordinator ?? 'x'}`, 'Bearer a b c']);
    return kind;
  };
  const json = (value: unknown) => {
    try {
      return JSON.stringify(value);
    } catch {
      return '{}';
    }
  };
  /** A report body with one guaranteed defect, plus hostile values in random fields. */
  const badReport = (): unknown => {
    const body = validReport() as Record<string, any>;
    const child = body.child as Record<string, any>;
    const fields = ['name', 'idNumber', 'birthDate', 'sex', 'school', 'grade', 'className', 'area', 'guardians'];
    for (let i = rng.int(1, 4); i > 0; i--) child[rng.pick(fields)] = wrongValue(rng);
    if (rng.chance(0.3)) body.cause = wrongValue(rng);
    if (rng.chance(0.3)) body.note = wrongValue(rng);
    if (rng.chance(0.2)) body.childId = wrongValue(rng);
    if (rng.chance(0.2)) child.guardians = [{ name: hostileStrings(rng), phone: hostileStrings(rng), relation: hostileStrings(rng), [hostileStrings(rng)]: 1 }];
    // The guaranteed defect: a field no DTO has, or a wrong ID number check digit.
    if (rng.chance(0.5)) body[rng.pick(['isAdmin', '__proto__x', 'role', hostileStrings(rng).slice(0, 40) || 'x'])] = wrongValue(rng);
    else if (typeof child.idNumber !== 'string' || child.idNumber.length !== 18) child.idNumber = rng.pick([12345, null, '', '50023520120601']);
    else child.idNumber = `${child.idNumber.slice(0, 17)}${child.idNumber[17] === '0' ? '1' : '0'}`;
    return body;
  };
  /** An action body with one guaranteed defect. */
  const badAction = (): unknown => {
    const type = rng.chance(0.85) ? rng.pick(ACTION_TYPES) : wrongValue(rng);
    const body: Record<string, unknown> = { type };
    for (const field of ['note', 'reason', 'outcome', 'orderNumber', 'documentNumber', 'correctWithin', 'newDueAt', 'approver', 'assignee', 'newSchool', 'measure', 'visitedOn']) {
      if (rng.chance(0.25)) body[field] = rng.chance(0.5) ? hostileStrings(rng) : wrongValue(rng);
    }
    body[rng.pick(['extra', 'actor', 'caseId', 'seq', 'automatic', '$set'])] = wrongValue(rng);
    return body;
  };

  return (): FuzzRequest => {
    const headers: Record<string, string> = {};
    const roll = rng.next();

    // 1. Reports with bad JSON.
    if (roll < 0.1) {
      const kind = auth(headers, 'report/bad-json');
      headers['content-type'] = rng.pick(['application/json', 'application/json; charset=utf-8']);
      return { kind, method: 'POST', path: '/api/cases', headers, body: Buffer.from(brokenJson(rng, json(validReport())), 'latin1') };
    }
    // 2. Reports with wrong types, huge strings, hostile text, unknown fields.
    if (roll < 0.3) {
      const kind = auth(headers, 'report/invalid');
      headers['content-type'] = 'application/json';
      if (rng.chance(0.3)) headers['idempotency-key'] = rng.chance(0.8) ? rng.uuid() : rng.pick(['', 'with space', 'x'.repeat(300)]);
      return { kind, method: 'POST', path: '/api/cases', headers, body: json(badReport()) };
    }
    // 3. Deep nesting and oversized bodies.
    if (roll < 0.34) {
      const kind = auth(headers, 'report/deep-or-huge');
      headers['content-type'] = 'application/json';
      const body = rng.chance(0.5)
        ? json({ ...validReport(), child: { ...validReport().child, guardians: deepValue(rng.int(33, 5_000)) } })
        : json({ ...validReport(), note: '长'.repeat(rng.int(40_000, 120_000)) });
      return { kind, method: 'POST', path: rng.pick(['/api/cases', `/api/cases/${rng.pick(seeded.gaoping)}/actions`]), headers, body };
    }
    // 4. Valid-looking reports that must be refused: a child who already has an open case (the
    //    transaction rewrites child and guardians, then fails: all rolled back); another area's child
    //    for the village secretary (scope); a child id that does not exist.
    if (roll < 0.38) {
      headers['content-type'] = 'application/json';
      const known = rng.pick(seeded.openChildren);
      const r = rng.next();
      if (r < 0.5) {
        headers.authorization = `Bearer ${tokens.coordinator ?? ''}`;
        const body = validReport();
        body.child = {
          ...body.child,
          idNumber: known.idNumber,
          birthDate: '2013-04-04',
          sex: 'M',
          area: known.area,
          name: (rng.pick([...SQL_FRAGMENTS, ...SCRIPT_FRAGMENTS, ...UNICODE_ODDITIES.filter((u) => u !== '\u0000')]) + '王').slice(0, 50),
          className: rng.pick(SQL_FRAGMENTS).slice(0, 30),
          guardians: [{ name: rng.pick(SCRIPT_FRAGMENTS).slice(0, 50), phone: '13800000000', relation: rng.pick(SQL_FRAGMENTS).slice(0, 20) }],
        };
        return { kind: 'report/duplicate-child', method: 'POST', path: '/api/cases', headers, body: json(body) };
      }
      if (r < 0.8 && tokens.secretary) {
        headers.authorization = `Bearer ${tokens.secretary}`;
        const body = validReport();
        body.child = { ...body.child, area: rng.pick(['红椿村', 'HONGCHUN', '桥亭村', 'BAOXING']) };
        return { kind: 'report/other-area', method: 'POST', path: '/api/cases', headers, body: json(body) };
      }
      headers.authorization = `Bearer ${tokens.coordinator ?? ''}`;
      return { kind: 'report/unknown-child', method: 'POST', path: '/api/cases', headers, body: json({ childId: rng.uuid(), cause: 'POVERTY', note: rng.pick(SQL_FRAGMENTS) }) };
    }
    // 5. Actions with malformed bodies, unknown types, hostile text, on any case id.
    if (roll < 0.58) {
      const kind = auth(headers, 'action/invalid');
      headers['content-type'] = 'application/json';
      const body = rng.chance(0.1) ? Buffer.from(brokenJson(rng, json(badAction())), 'latin1') : json(badAction());
      return { kind, method: 'POST', path: `/api/cases/${anyCaseId()}/actions`, headers, body };
    }
    // 6. Valid-looking actions that must be refused: another area's case for the secretary (scope),
    //    an ended case, a case that does not exist, an action the stage does not allow (the engine).
    if (roll < 0.64) {
      headers['content-type'] = 'application/json';
      const r = rng.next();
      const note = rng.pick([...SQL_FRAGMENTS, ...SCRIPT_FRAGMENTS]);
      if (r < 0.35 && tokens.secretary) {
        headers.authorization = `Bearer ${tokens.secretary}`;
        return { kind: 'action/other-area', method: 'POST', path: `/api/cases/${rng.pick(seeded.hongchun)}/actions`, headers, body: json({ type: 'ADD_NOTE', note }) };
      }
      headers.authorization = `Bearer ${tokens.coordinator ?? ''}`;
      if (r < 0.55) return { kind: 'action/ended-case', method: 'POST', path: `/api/cases/${seeded.ended}/actions`, headers, body: json({ type: 'ADD_NOTE', note }) };
      if (r < 0.75) return { kind: 'action/unknown-case', method: 'POST', path: `/api/cases/${rng.uuid()}/actions`, headers, body: json({ type: 'ADD_NOTE', note }) };
      const refused = rng.pick([
        { type: 'ISSUE_JUDICIAL_DOCUMENT', documentNumber: note.slice(0, 100) },
        { type: 'RECORD_LEGAL_OUTCOME', outcome: note.slice(0, 100) },
        { type: 'APPROVE_CLOSURE', note },
        { type: 'REFER_LEGAL_LIABILITY', reason: note.slice(0, 500) },
      ]);
      return { kind: 'action/not-allowed-now', method: 'POST', path: `/api/cases/${rng.pick([...seeded.gaoping, ...seeded.hongchun])}/actions`, headers, body: json(refused) };
    }
    // 7. Reads: malformed ids, random ids, other areas' cases (secretary), hostile query strings.
    if (roll < 0.8) {
      const r = rng.next();
      if (r < 0.3 && tokens.secretary) {
        headers.authorization = `Bearer ${tokens.secretary}`;
        return { kind: 'read/other-area', method: 'GET', path: `/api/cases/${rng.pick(seeded.hongchun)}`, headers };
      }
      const kind = auth(headers, 'read/invalid');
      if (r < 0.6) return { kind, method: 'GET', path: `/api/cases/${unreadableId()}`, headers };
      const q = new URLSearchParams();
      const params = ['area', 'school', 'stage', 'overdue', 'open', 'page', 'pageSize', 'sort', 'q', 'area[$ne]', 'stage[]'];
      for (let i = rng.int(1, 4); i > 0; i--) q.append(rng.pick(params), text(wrongValue(rng)).slice(0, 3_000));
      // The guaranteed defect: an unknown parameter or a value outside the lists.
      if (rng.chance(0.5)) q.append(rng.pick(['limit', 'offset', 'orderBy', 'include', '__proto__']), rng.pick(SQL_FRAGMENTS));
      else q.set('stage', rng.pick(SQL_FRAGMENTS));
      return { kind: `${kind}-list`, method: 'GET', path: `/api/cases?${q.toString()}`, headers };
    }
    // 8. Log-in with hostile credentials.
    if (roll < 0.82) {
      headers['content-type'] = 'application/json';
      const body = rng.chance(0.2)
        ? brokenJson(rng, '{"username":"coordinator","password":"x"}')
        : json({
            username: rng.chance(0.5) ? rng.pick(['coordinator', 'leader', 'admin', 'root']) : wrongValue(rng),
            password: rng.chance(0.5) ? `${rng.pick(SQL_FRAGMENTS)}` : wrongValue(rng),
            ...(rng.chance(0.2) ? { role: 'LEADER' } : {}),
          });
      return { kind: 'login/hostile', method: 'POST', path: '/api/auth/login', headers, body };
    }
    // 9. Other methods, unknown routes, odd paths.
    if (roll < 0.9) {
      const kind = auth(headers, 'route/unknown');
      const onCase = rng.chance(0.3);
      const method = onCase ? rng.pick(['PUT', 'PATCH', 'DELETE']) : rng.pick(['PUT', 'PATCH', 'DELETE', 'POST', 'GET']);
      const path = onCase ? rng.pick([`/api/cases/${rng.pick(seeded.gaoping)}`, `/api/cases/${rng.pick(seeded.gaoping)}/actions`, '/api/cases']) : rng.pick([
        `/api/cases/${rng.pick(seeded.gaoping)}/actions/1`,
        '/api/admin',
        '/api/users',
        `/api/${pct(rng.pick(SQL_FRAGMENTS))}`,
        '/api/cases/%E0%A4%A',
        '/api/docs/..%2F..%2Fpackage.json',
        '/api/docs/%2e%2e/%2e%2e/etc/passwd',
        '//api//cases',
        '/.env',
        '/api/audit/../cases',
        `/api/cases/${rng.uuid()}/${'x/'.repeat(rng.int(1, 200))}`,
      ]);
      return { kind, method, path, headers, ...(method === 'GET' ? {} : { body: json(badAction()) }) };
    }
    // 10. Odd headers: media types, encodings, charsets, huge or hostile header values.
    if (roll < 0.97) {
      const kind = auth(headers, 'headers/odd');
      const r = rng.next();
      let body: string | Buffer = json(badReport());
      if (r < 0.25) headers['content-type'] = rng.pick(['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/json; charset=latin9', 'application/json; charset=utf-16']);
      else if (r < 0.4) {
        headers['content-type'] = 'application/json';
        headers['content-encoding'] = rng.pick(['gzip', 'deflate', 'br', 'compress', 'identity, gzip']);
        body = Buffer.from(Array.from({ length: rng.int(1, 400) }, () => rng.int(0, 255)));
      } else if (r < 0.55) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = `child[name]=${pct(rng.pick(SQL_FRAGMENTS))}&child[guardians][0][name]=x&cause=POVERTY&${'a[b]'.repeat(rng.int(1, 50))}=1`;
      } else if (r < 0.75) {
        headers['content-type'] = 'application/json';
        headers['x-actor'] = pct(hostileStrings(rng)).slice(0, 4_000);
        headers['x-forwarded-for'] = rng.pick(['127.0.0.1', '::1, 10.0.0.1', `${rng.pick(SQL_FRAGMENTS)}`.replace(/[^\x20-\x7e]/g, '')]);
      } else if (r < 0.9) {
        headers['content-type'] = 'application/json';
        headers['idempotency-key'] = rng.pick(['', ' ', 'k'.repeat(rng.int(201, 4_000)), rng.pick(SQL_FRAGMENTS).replace(/[^\x20-\x7e]/g, '')]);
      } else {
        headers['content-type'] = 'application/json';
        headers['x-padding'] = 'p'.repeat(rng.int(17_000, 40_000)); // over Node's header limit: 431
      }
      return { kind, method: 'POST', path: rng.pick(['/api/cases', `/api/cases/${anyCaseId()}/actions`]), headers, body };
    }
    // 11. Malformed HTTP, written byte by byte.
    const bad = rng.pick([
      `POST /api/cases HTTP/1.1\r\nHost: ${api.host}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\nConnection: close\r\n\r\nzz\r\n`,
      `POST /api/cases HTTP/1.1\r\nHost: ${api.host}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nnot-hex\r\n{}\r\n0\r\n\r\n`,
      `GET /api/cases HTTP/1.1\r\nHost: ${api.host}\r\nX-Bad\u0001Header: 1\r\nConnection: close\r\n\r\n`,
      `GET /api/cases HTTP/1.1\r\nHost: ${api.host}\r\nX-Actor: a\u0000b\r\nConnection: close\r\n\r\n`,
      `GET /api/cases\u0000 HTTP/1.1\r\nHost: ${api.host}\r\nConnection: close\r\n\r\n`,
      `GET /api/cases HTTP/1.1\r\nConnection: close\r\n\r\n`,
      `POST /api/cases HTTP/1.1\r\nHost: ${api.host}\r\nContent-Length: abc\r\nConnection: close\r\n\r\n{}`,
      `POST /api/cases HTTP/1.1\r\nHost: ${api.host}\r\nContent-Length: 2\r\nContent-Length: 3\r\nConnection: close\r\n\r\n{}`,
    ]);
    return { kind: 'http/malformed', method: 'RAW', path: '', headers: {}, raw: Buffer.from(bad, 'latin1') };
  };
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function send(base: URL, r: FuzzRequest): Promise<Answer> {
  if (r.raw) return sendRaw(base, r.raw);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: base.hostname, port: base.port, method: r.method, path: r.path, headers: { ...r.headers, ...(r.body !== undefined ? { 'content-length': String(Buffer.byteLength(r.body)) } : {}) }, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error(`no answer within 30 s: ${r.method} ${r.path.slice(0, 100)}`)));
    // The server may answer (413, 431) and close before the body is written: that is an answer too.
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? resolve({ status: -1, contentType: '', text: err.code }) : reject(err)));
    if (r.body !== undefined) req.write(r.body);
    req.end();
  });
}

function sendRaw(base: URL, bytes: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(base.port), base.hostname, () => socket.write(bytes));
    let answer = '';
    socket.setTimeout(10_000, () => socket.destroy(new Error('raw request: no answer within 10 s')));
    socket.on('data', (c) => (answer += c.toString('latin1')));
    socket.on('end', () => resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? 0), contentType: '', text: answer.split('\r\n\r\n').slice(1).join('') }));
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? resolve({ status: -1, contentType: '', text: 'ECONNRESET' }) : reject(err)));
  });
}

it(`${REQUESTS} malformed or hostile requests: only 4xx in the one error shape, no stack trace, nothing written`, async () => {
  const before = await contents();
  const rng = new Rng(SEED);
  const next = generator(rng);
  const base = new URL(app.apiUrl!);
  const histogram = new Map<number, number>();
  const byKind = new Map<string, Map<number, number>>();
  const failures: string[] = [];
  const started = Date.now();
  let sent = 0;
  let resets = 0;
  const busyMs = new Map<string, number>();

  const requests = Array.from({ length: REQUESTS }, () => next());
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (sent < requests.length) {
        const r = requests[sent++];
        const t0 = Date.now();
        const answer = await send(base, r);
        busyMs.set(r.kind.split('/').slice(0, 2).join('/'), (busyMs.get(r.kind.split('/').slice(0, 2).join('/')) ?? 0) + Date.now() - t0);
        if (answer.status === -1) {
          // The server refused the request before reading all of it (431, a body over the limit) and
          // closed the connection under the writing client: an answer, which the client did not get to read.
          resets++;
          continue;
        }
        histogram.set(answer.status, (histogram.get(answer.status) ?? 0) + 1);
        const kinds = byKind.get(r.kind) ?? new Map<number, number>();
        kinds.set(answer.status, (kinds.get(answer.status) ?? 0) + 1);
        byKind.set(r.kind, kinds);
        const what = `[${r.kind}] ${r.method} ${r.path.slice(0, 120)} → ${answer.status} ${answer.text.slice(0, 300)}`;
        if (answer.status < 400 || answer.status > 499) failures.push(what);
        else if (/\bat .*\.(ts|js):\d+|node_modules|Error: /.test(answer.text)) failures.push(`stack trace: ${what}`);
        else if (answer.contentType.includes('json')) {
          let body: { code?: string; statusCode?: number } = {};
          try {
            body = JSON.parse(answer.text);
          } catch {
            failures.push(`not JSON: ${what}`);
          }
          if (!ERROR_CODES.includes(body.code as never) || body.statusCode !== answer.status) failures.push(`not the error shape: ${what}`);
        }
      }
    }),
  );
  agent.destroy();
  const seconds = (Date.now() - started) / 1000;
  const after = await contents();

  const sorted = [...histogram].sort(([a], [b]) => a - b);
  console.log(
    [
      `fuzz: seed ${SEED}, ${REQUESTS} requests in ${seconds.toFixed(1)} s (${Math.round(REQUESTS / seconds)}/s), concurrency ${CONCURRENCY}`,
      `status histogram: ${sorted.map(([s, n]) => `${s}: ${n}`).join(', ')}${resets ? `, connection closed by the server before the answer was read: ${resets}` : ''}`,
      ...[...byKind].sort(([a], [b]) => a.localeCompare(b)).map(([k, m]) => `  ${k}: ${[...m].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ')}`),
      `time spent per kind (ms, summed over connections): ${[...busyMs].sort(([, a], [, b]) => b - a).map(([k, ms]) => `${k} ${ms}`).join(', ')}`,
      `written: ${JSON.stringify(before) === JSON.stringify(after) ? 'nothing' : 'SOMETHING'}`,
    ].join('\n'),
  );
  expect(failures.slice(0, 20)).toEqual([]);
  expect(after).toEqual(before);
  expect(resets).toBeLessThan(REQUESTS * 0.05);
}, 180_000);
