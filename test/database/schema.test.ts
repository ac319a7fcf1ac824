/** The read model's schema: built by migrations only, matching the entities and the vocabulary. */
import { randomUUID } from 'node:crypto';
import { createDataSource, runMigrations, READ_MODEL_MIGRATIONS } from '../../src/read-model/data-source';
import { PolicyVersionConflictError, findPolicy, recordPolicy } from '../../src/read-model/policies';
import { loadPolicy } from '../../src/policy/load-policy';
import { CAUSES, STAGES, isEnding } from '../../src/workflows/vocabulary';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { openCase } from '../support/fixtures';

describe('migrations', () => {
  it('run once even when two processes start together, then have nothing left to do', async () => {
    const db = await createTestDatabase({ migrate: false });
    const other = await createDataSource({ url: db.url, quiet: true }).initialize();
    try {
      const [first, second] = await Promise.all([runMigrations(db.dataSource), runMigrations(other)]);
      expect([...first, ...second]).toEqual(READ_MODEL_MIGRATIONS.map((m) => new m().name));
      expect(await runMigrations(db.dataSource)).toEqual([]);
    } finally {
      await other.destroy();
      await db.drop();
    }
  });

  it('can be reverted and applied again', async () => {
    const db = await createTestDatabase();
    try {
      for (let i = 0; i < READ_MODEL_MIGRATIONS.length; i++) await db.dataSource.undoLastMigration();
      const tables = await db.dataSource.query(
        `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('cases', 'case_events', 'users', 'audit_log')`,
      );
      expect(tables[0].n).toBe(0);
      expect(await runMigrations(db.dataSource)).toHaveLength(READ_MODEL_MIGRATIONS.length);
    } finally {
      await db.drop();
    }
  });
});

describe('the migrated schema', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('is what the entities describe: synchronize would change nothing', async () => {
    const sql = await db.dataSource.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('accepts every stage and cause of the vocabulary (a new one needs a migration)', async () => {
    const { childId } = await openCase(db.dataSource);
    await db.dataSource.query(`UPDATE cases SET stage = 'CANCELLED', open = false WHERE child_id = $1`, [childId]);
    for (const stage of STAGES) {
      for (const cause of stage === 'HOME_VISIT' ? CAUSES : ['OTHER']) {
        const open = !isEnding(stage);
        await db.dataSource.query(
          `INSERT INTO cases (id, town, child_id, cause, area, school, stage, open, opened_at, opened_by, stage_entered_at)
           VALUES ($1, 'GULING', $2, $3, 'GAOPING', 'GULING_PRIMARY', $4, $5, now(), 'x', now())`,
          [randomUUID(), childId, cause, stage, open],
        );
        if (open) await db.dataSource.query(`UPDATE cases SET stage = 'CANCELLED', open = false WHERE child_id = $1 AND open`, [childId]);
      }
    }
  });

  it('refuses a case whose open flag contradicts its stage', async () => {
    const { caseId } = await openCase(db.dataSource);
    await expect(db.dataSource.query(`UPDATE cases SET stage = 'CLOSED' WHERE id = $1`, [caseId])).rejects.toThrow(/cases_open_matches_stage/);
  });
});

describe('policies', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('records a policy version once, and again without complaint', async () => {
    const policy = loadPolicy();
    await recordPolicy(db.dataSource, policy);
    await recordPolicy(db.dataSource, structuredClone(policy));
    expect(await findPolicy(db.dataSource, policy.version)).toEqual(policy);
  });

  it('refuses the same version with a different body', async () => {
    const policy = loadPolicy();
    await recordPolicy(db.dataSource, policy);
    const changed = { ...policy, escalation: { ...policy.escalation, reminderBefore: '2d' } };
    await expect(recordPolicy(db.dataSource, changed)).rejects.toBeInstanceOf(PolicyVersionConflictError);
  });
});
