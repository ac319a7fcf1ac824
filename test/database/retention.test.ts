/**
 * The retention job against a real PostgreSQL (src/retention/retention-job.ts): delivered outbox
 * rows older than BAOXUE_OUTBOX_RETENTION, idempotency keys older than BAOXUE_IDEMPOTENCY_RETENTION
 * and rate-limit windows that ended over an hour ago go; fresh rows, PENDING and FAILED outbox rows,
 * the notifications themselves and the audit log stay. Large backlogs go in batches of BATCH rows:
 * a statement trigger (this test's own) records how many rows each DELETE removed.
 */
import { BATCH, pruneOnce, RetentionJob, RetentionSettings } from '../../src/retention/retention-job';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const DAY = 86_400_000;
const settings: RetentionSettings = { outboxMs: 30 * DAY, idempotencyMs: 7 * DAY };
/** Enough old rows of each batched kind for two full batches and one short one. */
const OLD = 2 * BATCH + 1;

let db: TestDatabase;
const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);

beforeAll(async () => {
  db = await createTestDatabase();
  await q(`CREATE TABLE retention_test_deletes (seq serial PRIMARY KEY, table_name text NOT NULL, row_count integer NOT NULL)`);
  await q(`
    CREATE FUNCTION retention_test_record_deletes() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO retention_test_deletes (table_name, row_count) SELECT TG_TABLE_NAME, count(*) FROM deleted_rows;
      RETURN NULL;
    END
    $$`);
  for (const table of ['notification_outbox', 'idempotency_keys']) {
    await q(`CREATE TRIGGER ${table}_record_deletes AFTER DELETE ON ${table} REFERENCING OLD TABLE AS deleted_rows
             FOR EACH STATEMENT EXECUTE FUNCTION retention_test_record_deletes()`);
  }
  // The audit log is append-only (its trigger refuses DELETE): rows far older than any retention, written once.
  for (const age of ['400 days', '40 days', '8 days', '0 days']) {
    await q(`INSERT INTO audit_log (at, town, username, method, path, what, status) VALUES (now() - $1::interval, 'GULING', 'coordinator', 'GET', '/api/cases', 'LIST_CASES', 200)`, [age]);
  }
});

afterAll(async () => {
  await db?.drop();
});

beforeEach(async () => {
  // retention_test_deletes last: clearing the other tables fires its trigger.
  for (const table of ['notification_outbox', 'notifications', 'idempotency_keys', 'api_rate_limit', 'notification_daily_counts', 'retention_test_deletes']) await q(`DELETE FROM ${table}`);
  await seed();
});

async function seed(): Promise<void> {
  await q(`
    INSERT INTO notifications (id, town, recipient, kind, title_zh, title_en, body_zh, body_en, occurred_at)
    SELECT 'n-' || i, 'GULING', 'coordinator', 'REMINDER', '提醒', 'Reminder', '请家访', 'Please visit', now() - interval '40 days'
    FROM generate_series(1, $1::int + 10) AS i`, [OLD]);
  const outbox = (id: string, notification: number, status: string, sentAgo: string | null) =>
    q(`INSERT INTO notification_outbox (id, notification_id, channel, status, attempts, sent_at, created_at)
       VALUES ($1, 'n-' || $2, 'sms', $3, 1, now() - $4::interval, now() - interval '40 days')`, [id, notification, status, sentAgo]);
  await q(`
    INSERT INTO notification_outbox (id, notification_id, channel, status, attempts, sent_at, created_at)
    SELECT 'sent-old-' || i, 'n-' || i, 'sms', 'SENT', 1, now() - interval '31 days', now() - interval '31 days'
    FROM generate_series(1, $1::int) AS i`, [OLD]);
  await outbox('sent-fresh', OLD + 1, 'SENT', '29 days');
  // Old sent_at on undelivered rows too (a row sent once and re-queued), so that only the status keeps them.
  await outbox('pending-old', OLD + 2, 'PENDING', '31 days');
  await outbox('failed-old', OLD + 3, 'FAILED', '31 days');
  await outbox('failed-unsent', OLD + 4, 'FAILED', null);

  await q(`
    INSERT INTO idempotency_keys (key, principal, method, path, request_hash, status, response_body, created_at, completed_at)
    SELECT 'old-' || i, 'coordinator', 'POST', '/api/cases', repeat('a', 64), 201, '{}', now() - interval '8 days', now() - interval '8 days'
    FROM generate_series(1, $1::int) AS i`, [OLD]);
  // Past the keys' 24 h lifetime but inside the configured retention: the setting decides, not the lifetime.
  await q(`
    INSERT INTO idempotency_keys (key, principal, method, path, request_hash, status, response_body, created_at, completed_at)
    VALUES ('fresh', 'coordinator', 'POST', '/api/cases', repeat('b', 64), 201, '{}', now() - interval '6 days', now() - interval '6 days')`);

  // The daily cap's counts: three days ago goes, today stays.
  await q(`
    INSERT INTO notification_daily_counts (town, username, channel, day, sent)
    VALUES ('GULING', 'teacher', 'sms', (now() AT TIME ZONE 'Asia/Shanghai')::date - 3, 5), ('GULING', 'teacher', 'sms', (now() AT TIME ZONE 'Asia/Shanghai')::date, 2)`);

  for (const [key, endsIn] of [
    ['ended-2h-ago', '-2 hours'],
    ['ended-10min-ago', '-10 minutes'],
    ['open', '30 seconds'],
  ]) {
    await q(`INSERT INTO api_rate_limit (key, hits, window_started_at, window_ends_at) VALUES ($1, 3, now() + $2::interval - interval '1 minute', now() + $2::interval)`, [key, endsIn]);
  }
}

const ids = async (sql: string): Promise<string[]> => ((await q(sql)) as Array<{ id: string }>).map((r) => r.id).sort();
const count = async (table: string): Promise<number> => (await q(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
const auditLog = () => q(`SELECT * FROM audit_log ORDER BY id`);
const batches = async (table: string): Promise<number[]> =>
  ((await q(`SELECT row_count FROM retention_test_deletes WHERE table_name = $1 ORDER BY seq`, [table])) as Array<{ row_count: number }>).map((r) => r.row_count);

describe('the retention job', () => {
  it('removes only the old rows, only delivered outbox rows, in batches, and leaves the audit log alone', async () => {
    const auditBefore = await auditLog();
    expect(auditBefore).toHaveLength(4);

    expect(await pruneOnce(db.dataSource, settings)).toEqual({ outboxRows: OLD, idempotencyKeys: OLD, rateLimitWindows: 1, dailyCounts: 1 });
    expect(await count('notification_daily_counts')).toBe(1);

    expect(await ids(`SELECT id FROM notification_outbox`)).toEqual(['failed-old', 'failed-unsent', 'pending-old', 'sent-fresh']);
    expect(await count('notifications')).toBe(OLD + 10);
    expect(await ids(`SELECT key AS id FROM idempotency_keys`)).toEqual(['fresh']);
    expect(await ids(`SELECT key AS id FROM api_rate_limit`)).toEqual(['ended-10min-ago', 'open']);

    // Each DELETE removed at most BATCH rows; the short batch ends the round.
    expect(await batches('notification_outbox')).toEqual([BATCH, BATCH, 1]);
    expect(await batches('idempotency_keys')).toEqual([BATCH, BATCH, 1]);

    expect(await auditLog()).toEqual(auditBefore);
  });

  it('removes nothing more on a second round (several workers run it without a lock)', async () => {
    await pruneOnce(db.dataSource, settings);
    const auditBefore = await auditLog();
    expect(await pruneOnce(db.dataSource, settings)).toEqual({ outboxRows: 0, idempotencyKeys: 0, rateLimitWindows: 0, dailyCounts: 0 });
    expect(await count('notification_outbox')).toBe(4);
    expect(await count('idempotency_keys')).toBe(1);
    expect(await count('api_rate_limit')).toBe(2);
    expect(await auditLog()).toEqual(auditBefore);
  });

  it('honours the configured ages: a shorter outbox retention takes the fresher delivered row too', async () => {
    expect(await pruneOnce(db.dataSource, { outboxMs: 28 * DAY, idempotencyMs: 5 * DAY })).toEqual({ outboxRows: OLD + 1, idempotencyKeys: OLD + 1, rateLimitWindows: 1, dailyCounts: 1 });
    expect(await ids(`SELECT id FROM notification_outbox`)).toEqual(['failed-old', 'failed-unsent', 'pending-old']);
    expect(await count('idempotency_keys')).toBe(0);
  });

  it('runs a round as soon as the worker starts it, and stop() waits for that round', async () => {
    const lines: string[] = [];
    const job = new RetentionJob(db.dataSource, settings, { log: (line) => lines.push(line) });
    job.start();
    await job.stop();
    expect(await count('notification_outbox')).toBe(4);
    expect(await count('idempotency_keys')).toBe(1);
    expect(lines).toEqual([`保留期清理 / retention: ${OLD} delivered outbox rows, ${OLD} idempotency keys pruned`]);
  });
});
