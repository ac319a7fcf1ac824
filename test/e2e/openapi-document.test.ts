/**
 * The OpenAPI document (/api/docs-json) describes what the API answers, type by type: no property
 * typed `object` that is really a string, number or date (what a nullable property without an
 * explicit type became: 100+ schema violations under schemathesis), nullable properties say their
 * type. test/e2e/schemathesis.test.ts checks the answers themselves against the document.
 */
import request from 'supertest';
import { createTestApi, TestApi } from '../support/api-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

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

type Schema = Record<string, unknown> & { type?: string; properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[]; oneOf?: Schema[]; allOf?: Schema[] };

/** Every property schema in the document, with where it is. */
function properties(doc: { components: { schemas: Record<string, Schema> }; paths: Record<string, Record<string, { parameters?: Array<{ name: string; schema?: Schema }> }>> }) {
  const found: Array<{ at: string; schema: Schema }> = [];
  const walk = (at: string, schema: Schema | undefined) => {
    if (!schema || typeof schema !== 'object') return;
    found.push({ at, schema });
    for (const [name, child] of Object.entries(schema.properties ?? {})) walk(`${at}.${name}`, child);
    if (schema.items) walk(`${at}[]`, schema.items);
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) (schema[key] ?? []).forEach((child, i) => walk(`${at}.${key}[${i}]`, child));
  };
  for (const [name, schema] of Object.entries(doc.components.schemas)) walk(name, schema);
  for (const [path, item] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(item)) for (const p of op.parameters ?? []) walk(`${method} ${path} ${p.name}`, p.schema);
  return found;
}

it('types every property: no bare `object` where the API answers a string, number or date, and no untyped nullable', async () => {
  const doc = (await request(api.server).get('/api/docs-json').expect(200)).body;
  const bare = properties(doc)
    .filter(({ schema }) => schema.type === 'object' && !schema.properties && !('additionalProperties' in schema) && !schema.$ref && !schema.allOf && !schema.anyOf && !schema.oneOf)
    .map(({ at }) => at);
  expect(bare).toEqual([]);
  const untypedNullable = properties(doc)
    .filter(({ schema }) => Array.isArray(schema.anyOf) && schema.anyOf.some((s) => s.type === 'null') && schema.anyOf.some((s) => s.type === undefined && !s.$ref))
    .map(({ at }) => at);
  expect(untypedNullable).toEqual([]);
});
