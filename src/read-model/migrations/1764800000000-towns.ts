import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Several towns in one deployment: every child, case and user belongs to a town (its code from the
 * town file, e.g. GULING); the audit log records the town of the user who made the request.
 *
 * Rows written before this migration are given 'GULING': the default town of every deployment
 * that existed then (towns/guling.json was the only town file). A county that loads other towns
 * adds them after; their rows are written with their own code from the start.
 *
 * A national ID number is unique within a town's registry (each town keeps its own children;
 * a child who moved may be on both towns' books), and a case belongs to its child's town
 * (the composite foreign key makes a case of another town's child impossible).
 *
 * Also the registry's fixed columns (CONTRACT.md): villager group and the notice's priority flags.
 */
export class Towns1764800000000 implements MigrationInterface {
  name = 'Towns1764800000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['children', 'cases', 'users']) {
      // The default fills existing rows (PostgreSQL writes it into the catalogue, not row by row); new rows must name their town.
      await q.query(`ALTER TABLE ${table} ADD COLUMN town text NOT NULL DEFAULT 'GULING'`);
      await q.query(`ALTER TABLE ${table} ALTER COLUMN town DROP DEFAULT`);
      await q.query(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_town_check CHECK (town ~ '^[A-Z][A-Z0-9_]*$')`);
    }
    // audit_log is append-only (its trigger refuses UPDATE): ADD COLUMN with a constant default touches no row.
    // Requests without a log-in (a refused log-in) belong to no town: NULL.
    await q.query(`ALTER TABLE audit_log ADD COLUMN town text DEFAULT 'GULING'`);
    await q.query(`ALTER TABLE audit_log ALTER COLUMN town DROP DEFAULT`);
    await q.query(`CREATE INDEX audit_log_town_at_idx ON audit_log (town, at)`);

    await q.query(`ALTER TABLE children DROP CONSTRAINT children_id_number_key`);
    await q.query(`ALTER TABLE children ADD CONSTRAINT children_town_id_number_key UNIQUE (town, id_number)`);
    await q.query(`ALTER TABLE children ADD CONSTRAINT children_id_town_key UNIQUE (id, town)`);
    await q.query(`CREATE INDEX children_town_area_idx ON children (town, area)`);
    await q.query(`CREATE INDEX children_town_school_grade_idx ON children (town, school, grade)`);
    await q.query(`ALTER TABLE cases ADD CONSTRAINT cases_child_town_fkey FOREIGN KEY (child_id, town) REFERENCES children (id, town)`);
    // The ledger of a town, sorted by deadline; area, school and stage filters narrow it further.
    await q.query(`CREATE INDEX cases_town_deadline_idx ON cases (town, next_deadline_at)`);

    await q.query(`
      ALTER TABLE children
        ADD COLUMN villager_group text NULL,
        ADD COLUMN is_disabled boolean NOT NULL DEFAULT false,
        ADD COLUMN has_disabled_parent boolean NOT NULL DEFAULT false,
        ADD COLUMN is_left_behind boolean NOT NULL DEFAULT false,
        ADD COLUMN is_registered_poor boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE children
        DROP COLUMN villager_group, DROP COLUMN is_disabled, DROP COLUMN has_disabled_parent,
        DROP COLUMN is_left_behind, DROP COLUMN is_registered_poor`);
    await q.query(`DROP INDEX cases_town_deadline_idx`);
    await q.query(`ALTER TABLE cases DROP CONSTRAINT cases_child_town_fkey`);
    await q.query(`DROP INDEX children_town_school_grade_idx`);
    await q.query(`DROP INDEX children_town_area_idx`);
    await q.query(`ALTER TABLE children DROP CONSTRAINT children_id_town_key`);
    await q.query(`ALTER TABLE children DROP CONSTRAINT children_town_id_number_key`);
    await q.query(`ALTER TABLE children ADD CONSTRAINT children_id_number_key UNIQUE (id_number)`);
    await q.query(`DROP INDEX audit_log_town_at_idx`);
    await q.query(`ALTER TABLE audit_log DROP COLUMN town`);
    for (const table of ['users', 'cases', 'children']) await q.query(`ALTER TABLE ${table} DROP COLUMN town`);
  }
}
