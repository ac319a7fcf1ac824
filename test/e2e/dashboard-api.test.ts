/**
 * The dashboard's HTTP side without Temporal: the pages and their assets served by the app under
 * the CSP, the widget endpoints behind log-in, the live version left out of the audit log, and
 * the monthly reports listed and downloaded by the town-wide roles only.
 */
import request from 'supertest';
import { generateMonthlyReport } from '../../src/dashboard/reports/report-store';
import { loadTown } from '../../src/read-model/town';
import { createTestApi, TestApi } from '../support/api-app';
import { as } from '../support/auth';
import { createTestDatabase, TestDatabase } from '../support/test-database';

let db: TestDatabase;
let api: TestApi;

beforeAll(async () => {
  db = await createTestDatabase();
  api = await createTestApi({ dataSource: db.dataSource });
}, 60_000);

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

/** Collects a binary answer (supertest buffers only text and JSON by itself). */
function binary(stream: NodeJS.ReadableStream, callback: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => callback(null, Buffer.concat(chunks)));
}

describe('the dashboard over HTTP', () => {
  it('serves /dashboard, /app and their assets from the app itself, under the same CSP', async () => {
    for (const path of ['/dashboard', '/app']) {
      const res = await request(api.server).get(path).expect(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      // Every script the page loads is a file of ours: no CDN, no inline script.
      const scripts = [...res.text.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const src of scripts) {
        expect(src).toMatch(/^\/assets\//);
        const asset = await request(api.server).get(src).expect(200);
        expect(asset.headers['content-type']).toMatch(/javascript/);
      }
      expect(res.text).not.toMatch(/<script>(?!<\/script>)/);
      expect(res.text).not.toMatch(/https?:\/\//);
    }
    const echarts = await request(api.server).get('/assets/echarts.min.js').expect(200);
    expect(echarts.text.length).toBeGreaterThan(500_000);
  });

  it('needs a log-in for every widget, and leaves the polled version out of the audit log', async () => {
    for (const widget of ['version', 'vocabulary', 'headline', 'matrix', 'heatmap', 'trend', 'overdue', 'ranking']) {
      const res = await request(api.server).get(`/api/dashboard/${widget}`);
      expect({ widget, status: res.status, code: res.body.code }).toEqual({ widget, status: 401, code: 'AUTH.REQUIRED' });
    }
    const leader = await as(api.server, 'leader');
    const count = async () => Number((await db.dataSource.query(`SELECT count(*) AS n FROM audit_log WHERE path LIKE '/api/dashboard/%'`))[0].n);
    const before = await count();
    await leader.get('/api/dashboard/version').expect(200);
    await leader.get('/api/dashboard/version').expect(200);
    expect(await count()).toBe(before);
    await leader.get('/api/dashboard/headline').expect(200);
    expect(await count()).toBe(before + 1);
  });

  it('lists the monthly reports and serves their files to the town-wide roles, and to no one else', async () => {
    const town = loadTown();
    const { xlsx, pdf } = await generateMonthlyReport({ dataSource: db.dataSource, town }, '2026-09', 'command');
    const leader = await as(api.server, 'leader');
    const list = await leader.get('/api/reports').expect(200);
    expect(list.body.reports).toEqual([expect.objectContaining({ town: 'GULING', month: '2026-09', nil: true, trigger: 'command' })]);

    const file = await leader.get('/api/reports/2026-09/pdf').buffer(true).parse(binary as never).expect(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toContain('attachment');
    expect(Buffer.compare(file.body as Buffer, pdf)).toBe(0);
    const sheet = await (await as(api.server, 'coordinator')).get('/api/reports/2026-09/xlsx').buffer(true).parse(binary as never).expect(200);
    expect(Buffer.compare(sheet.body as Buffer, xlsx)).toBe(0);

    expect((await leader.get('/api/reports/2026-08/pdf')).body.code).toBe('REPORT.NOT_FOUND');
    expect((await leader.get('/api/reports/2026-13/pdf')).body.code).toBe('REQUEST.VALIDATION_FAILED');
    const secretary = await as(api.server, 'secretary');
    const refused = await secretary.get('/api/reports');
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 403, code: 'AUTH.FORBIDDEN' });
    expect((await secretary.get('/api/reports/2026-09/pdf')).status).toBe(403);
  });
});
