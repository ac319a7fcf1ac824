/**
 * What the API answers for a request of the wrong shape, over the real application and a real
 * PostgreSQL (fake engine): a body that is not JSON on a JSON route is refused with 415 before
 * anything runs (it used to be parsed as a form and executed), multipart stays allowed where an
 * upload is declared; a known path with a method it does not answer gets 405 with Allow (it used to
 * be 404), an unknown path still 404. Both in the one error shape.
 */
import request from 'supertest';
import { createTestApi, TestApi } from '../support/api-app';
import { as, AsUser, DEMO_PASSWORD } from '../support/auth';
import { validIdNumber } from '../support/fixtures';
import { ledgerCsv } from '../support/ledger-files';
import { createTestDatabase, TestDatabase } from '../support/test-database';

let db: TestDatabase;
let api: TestApi;
let coordinator: AsUser;

beforeAll(async () => {
  db = await createTestDatabase();
  api = await createTestApi({ dataSource: db.dataSource });
  coordinator = await as(api.server, 'coordinator');
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

const logins = async () => (await db.dataSource.query(`SELECT count(*)::int AS n FROM audit_log WHERE what = 'LOGIN'`))[0].n as number;

describe('415 for a body that is not JSON', () => {
  it('refuses a form-encoded log-in instead of executing it', async () => {
    const before = await logins();
    const res = await request(api.server).post('/api/auth/login').type('form').send(`username=leader&password=${encodeURIComponent(DEMO_PASSWORD)}`);
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ statusCode: 415, code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE', message: expect.stringMatching(/JSON/), path: '/api/auth/login' });
    expect(res.body).not.toHaveProperty('accessToken');
    expect(await logins()).toBe(before);
  });

  it('refuses form, text, XML and multipart bodies on JSON routes, and names what is accepted', async () => {
    const bodies: Array<[string, string]> = [
      ['application/x-www-form-urlencoded', 'type=ADD_NOTE&note=x'],
      ['text/plain', '{"type":"ADD_NOTE","note":"x"}'],
      ['application/xml', '<action><type>ADD_NOTE</type></action>'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="type"\r\n\r\nADD_NOTE\r\n--x--\r\n'],
    ];
    for (const [type, body] of bodies) {
      const res = await coordinator.post('/api/cases').set('content-type', type).send(body);
      expect([type, res.status, res.body.code]).toEqual([type, 415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE']);
      expect(res.body.details).toEqual({ contentType: type.split(';')[0], accepted: ['application/json'] });
    }
    expect((await db.dataSource.query(`SELECT count(*)::int AS n FROM cases`))[0].n).toBe(0);
  });

  it('takes JSON with a charset, a body-less POST, and multipart where an upload is declared (the ledger import)', async () => {
    const json = await coordinator.post('/api/cases').set('content-type', 'application/json; charset=utf-8').send('{}');
    expect(json.status).toBe(400); // validated, not refused for its type
    expect(json.body.code).toBe('REQUEST.VALIDATION_FAILED');
    const upload = await coordinator.post('/api/ledger/import?dryRun=true').attach('file', Buffer.from(ledgerCsv({ count: 2 })), 'taizhang.csv');
    expect([200, 202]).toContain(upload.status);
    // The upload route takes multipart only.
    const jsonUpload = await coordinator.post('/api/ledger/import').send({ file: 'x' });
    expect(jsonUpload.status).toBe(415);
    expect(jsonUpload.body.details.accepted).toEqual(['multipart/form-data']);
  });
});

describe('400 for a JSON route called without a body', () => {
  it('refuses a PATCH without a body (it answered 200 and audited an update)', async () => {
    const child = await coordinator.post('/api/children').send({
      name: '陈小雨',
      idNumber: validIdNumber('2014-09-01', 'F'),
      school: '故陵小学',
      grade: 5,
      className: '五年级二班',
      area: '高坪村',
      guardians: [{ name: '陈大林', phone: '023-55123456', relation: '祖父' }],
    });
    expect(child.status).toBe(201);
    const res = await coordinator.patch(`/api/children/${child.body.id}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'REQUEST.VALIDATION_FAILED', details: { fields: [{ field: '(body)', constraint: 'isDefined' }] } });
    // An empty object is a body: nothing to change, answered as it is.
    expect((await coordinator.patch(`/api/children/${child.body.id}`).send({})).status).toBe(200);
  });
});

describe('405 for a method the path does not answer', () => {
  it('answers 405 with Allow for known paths, in the error shape', async () => {
    const cases: Array<[string, string, string]> = [
      ['DELETE', '/api/cases', 'GET, HEAD, POST'],
      ['PUT', '/api/cases/3f1c2b9e-8a47-4d55-9b1e-0c6d2f4a7e21', 'GET, HEAD'],
      ['GET', '/api/auth/login', 'POST'],
      ['PATCH', '/api/audit', 'GET, HEAD'],
      ['POST', '/api/health', 'GET, HEAD'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await coordinator[method.toLowerCase() as 'get' | 'put' | 'patch' | 'post' | 'delete'](path).send();
      expect([method, path, res.status, res.headers.allow]).toEqual([method, path, 405, allow]);
      expect(res.body).toMatchObject({ statusCode: 405, code: 'ROUTE.METHOD_NOT_ALLOWED', path, details: { method, allowed: allow.split(', ') } });
    }
    // Without a token too: the route table is public (the OpenAPI document), the data is not.
    const anonymous = await request(api.server).delete('/api/cases');
    expect([anonymous.status, anonymous.headers.allow]).toEqual([405, 'GET, HEAD, POST']);
    const trace = await request(api.server).trace('/api/towns/current');
    expect(trace.status).toBe(405);
  });

  it('still answers 404 for a path nobody serves', async () => {
    const res = await coordinator.delete('/api/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('ROUTE.NOT_FOUND');
    expect(res.headers.allow).toBeUndefined();
  });
});
