/**
 * Every API operation a role needs has a page: the operations are read from the OpenAPI document
 * (/api/docs-json), and each must be called from a page under web/ (its path, with the same
 * method on the same line), or be in API_ONLY below with the reason. A new endpoint without a page
 * makes this test fail until a page calls it or it is listed here on purpose.
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import request from 'supertest';
import { createTestApi, TestApi } from '../support/api-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/** Operations no page calls, on purpose ("METHOD /path" as in the OpenAPI document). */
const API_ONLY: Record<string, string> = {
  'GET /api/health': 'probes and monitoring, not people',
};

/**
 * Operations a page calls by a name it composes or an address the API answers, so no line spells
 * the path: each with the file and the text that makes the call.
 */
const CALLED_BY_NAME: Record<string, { file: string; text: string }> = {
  ...Object.fromEntries(
    ['headline', 'matrix', 'heatmap', 'trend', 'overdue', 'ranking'].map((w) => [`GET /api/dashboard/${w}`, { file: 'dashboard/page.js', text: `'${w}'` }]),
  ),
  // Documents are opened by the addresses their list answers (downloads.pdf, downloads.html).
  'GET /api/documents/{file}': { file: 'case/page.js', text: 'd.downloads.' },
};

const WEB = join(__dirname, '../../web');

function sources(dir: string): Array<{ file: string; text: string }> {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.js') || name.endsWith('.html') ? [{ file: path, text: readFileSync(path, 'utf8') }] : [];
  });
}

/** A regular expression finding the path in a page's call: `{id}` is any `${…}` expression. */
function pathPattern(path: string): RegExp {
  const parts = path.split(/\{[^}]+\}/).map((s) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&'));
  return new RegExp(`['\`]${parts.join('(?:\\$\\{[^}]+\\}|[\\w.-]+)')}(?=[?'\`$])`);
}

/** Whether a line of a page calls the operation. */
function calls(line: string, method: string, path: string): boolean {
  if (!pathPattern(path).test(line)) return false;
  const named = /method:\s*'([A-Z]+)'/.exec(line);
  return (named ? named[1] : 'GET') === method;
}

let db: TestDatabase;
let api: TestApi;

beforeAll(async () => {
  db = await createTestDatabase();
  api = await createTestApi({ dataSource: db.dataSource, seedDemo: false });
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

it('has a page for every operation of the OpenAPI document, or says why not', async () => {
  const doc = (await request(api.server).get('/api/docs-json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
  const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );
  expect(operations.length).toBeGreaterThan(10);
  const files = sources(WEB);
  const lines = files.flatMap(({ text }) => text.split('\n'));
  for (const [op, { file, text }] of Object.entries(CALLED_BY_NAME)) {
    expect([op, readFileSync(join(WEB, file), 'utf8').includes(text)]).toEqual([op, true]);
  }
  const withoutPage = operations.filter((op) => {
    const [method, path] = op.split(' ');
    return !(op in API_ONLY) && !(op in CALLED_BY_NAME) && !lines.some((line) => calls(line, method, path));
  });
  expect(withoutPage).toEqual([]);
  // The lists name only operations that exist.
  const listed = [...Object.keys(API_ONLY), ...Object.keys(CALLED_BY_NAME)];
  expect(listed.filter((op) => !operations.includes(op))).toEqual([]);
  // An operation kept API-only on purpose is not called by a page after all.
  expect(Object.keys(API_ONLY).filter((op) => lines.some((line) => calls(line, op.split(' ')[0], op.split(' ')[1])))).toEqual([]);
});

it('finds a call the way pages write it, and not another path or method', () => {
  expect(calls("api(`/api/cases/${encodeURIComponent(id)}/actions`, { method: 'POST', body })", 'POST', '/api/cases/{id}/actions')).toBe(true);
  expect(calls("api(`/api/cases/${encodeURIComponent(id)}/actions`, { method: 'POST', body })", 'GET', '/api/cases/{id}/actions')).toBe(false);
  expect(calls("api(`/api/cases/${encodeURIComponent(id)}`)", 'GET', '/api/cases/{id}')).toBe(true);
  expect(calls("api(`/api/cases/${encodeURIComponent(id)}/documents`)", 'GET', '/api/cases/{id}')).toBe(false);
  expect(calls('downloadLink(`/api/reports/${r.month}/xlsx`, name)', 'GET', '/api/reports/{month}/{kind}')).toBe(true);
  expect(calls("api(`/api/me/tasks?page=${page}`)", 'GET', '/api/me/tasks')).toBe(true);
});
