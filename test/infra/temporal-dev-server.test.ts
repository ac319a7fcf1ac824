/**
 * The embedded Temporal dev server (the vendored CLI binary): the four Baoxue search attributes are
 * registered, and with a db file a workflow started before a restart is still there after it.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { RunningDevServer, startTemporalDevServer } from '../../src/temporal/dev-server';
import { installTemporalRuntime } from '../../src/temporal/runtime';
import { BAOXUE_SEARCH_ATTRIBUTES, STAGE_KEY } from '../../src/temporal/search-attributes';

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

let base: string;
let server: RunningDevServer | undefined;

beforeAll(() => {
  installTemporalRuntime();
  base = mkdtempSync(join(tmpdir(), 'baoxue-temporal-test-'));
});

afterAll(async () => {
  await server?.stop();
  rmSync(base, { recursive: true, force: true });
});

it('registers the search attributes and keeps workflows across a restart', async () => {
  const dbFile = join(base, 'nested', 'temporal.sqlite'); // the folder does not exist yet
  let t = Date.now();
  server = await startTemporalDevServer({ dbFile });
  const firstStartMs = Date.now() - t;
  expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
  expect(server.namespace).toBe('default');
  expect(server.uiUrl).toBeUndefined();
  expect(existsSync(`${dbFile}-wal`)).toBe(true); // the journal_mode=wal pragma took effect

  const { customAttributes } = await server.env.connection.operatorService.listSearchAttributes({ namespace: 'default' });
  for (const [name, type] of Object.entries(BAOXUE_SEARCH_ATTRIBUTES)) {
    expect(customAttributes?.[name]).toBe(encodeSearchAttributeIndexedValueType(type));
  }

  // A workflow on a task queue nobody polls: it stays running, and stays stored.
  const workflowId = `restart-${randomUUID()}`;
  await server.env.client.workflow.start('nobodyRunsThis', {
    taskQueue: `nobody-${randomUUID()}`,
    workflowId,
    typedSearchAttributes: [{ key: STAGE_KEY, value: 'test-stage' }],
  });
  await server.stop();
  server = undefined;

  t = Date.now();
  server = await startTemporalDevServer({ dbFile, uiPort: await freePort() });
  const restartMs = Date.now() - t;
  // A connection of our own to the reported address, as the API and the worker would make.
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace });
  const described = await client.workflow.getHandle(workflowId).describe().finally(() => connection.close());
  expect(described.status.name).toBe('RUNNING');
  expect(described.typedSearchAttributes.get(STAGE_KEY)).toBe('test-stage');
  const ui = await fetch(server.uiUrl!);
  expect(ui.status).toBe(200);
  console.log(`Temporal dev server: first start ${firstStartMs} ms, restart on the same db ${restartMs} ms`);
});
