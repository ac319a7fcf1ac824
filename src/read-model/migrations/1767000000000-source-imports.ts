import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The four sources of 四查三比对 (issue 15): household register (户籍), school roll (学籍),
 * attendance (考勤) and the poverty-monitoring list (脱贫/监测户), imported as files the town has.
 *
 * `source_imports` is both the job (the upload waits here, 202, like ledger_import_jobs) and the
 * version: a real import that ends DONE gets the next `version` of its town + kind + scope (scope:
 * the school for a roll or attendance file, '' for the town-wide register and poverty list). A dry
 * run, a failed import and a re-import of a file already imported (`same_as`: the earlier import
 * it answers) get none. The file's bytes go when the job ends; its rows stay in the record tables,
 * one table per kind, each row with the sheet and spreadsheet row it came from (the evidence the
 * cross-check cites). The views give the current data: the latest version per town + kind + scope,
 * and for attendance every day ever imported, a later version's mark for the same child and day
 * winning.
 */
export class SourceImports1767000000000 implements MigrationInterface {
  name = 'SourceImports1767000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE source_imports (
        id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        town_code       text        NOT NULL,
        kind            text        NOT NULL,
        scope           text        NOT NULL DEFAULT '',
        version         integer,
        file_name       text        NOT NULL,
        file_sha256     text        NOT NULL,
        file_size       integer     NOT NULL,
        file            bytea,
        dry_run         boolean     NOT NULL DEFAULT false,
        uploaded_by     text        NOT NULL,
        user_id         uuid        REFERENCES users (id),
        importer        jsonb       NOT NULL,
        ip              text,
        uploaded_at     timestamptz NOT NULL DEFAULT now(),
        status          text        NOT NULL DEFAULT 'QUEUED',
        attempts        integer     NOT NULL DEFAULT 0,
        progress_phase  text,
        progress_done   integer     NOT NULL DEFAULT 0,
        progress_total  integer     NOT NULL DEFAULT 0,
        row_count       integer,
        report          jsonb,
        error           jsonb,
        same_as         uuid        REFERENCES source_imports (id),
        started_at      timestamptz,
        heartbeat_at    timestamptz,
        finished_at     timestamptz,
        CONSTRAINT source_imports_kind_check CHECK (kind IN ('HOUSEHOLD_REGISTER', 'SCHOOL_ROLL', 'ATTENDANCE', 'POVERTY_LIST')),
        CONSTRAINT source_imports_status_check CHECK (status IN ('QUEUED', 'RUNNING', 'DONE', 'FAILED')),
        CONSTRAINT source_imports_town_check CHECK (town_code ~ '^[A-Z][A-Z0-9_]*$'),
        CONSTRAINT source_imports_file_sha256_check CHECK (file_sha256 ~ '^[0-9a-f]{64}$'),
        CONSTRAINT source_imports_phase_check CHECK (progress_phase IS NULL OR progress_phase IN ('reading', 'writing')),
        CONSTRAINT source_imports_version_check CHECK (version IS NULL OR (version >= 1 AND status = 'DONE' AND NOT dry_run AND same_as IS NULL))
      )`);
    // A file is one version once: importing it again answers the earlier import and changes nothing.
    await q.query(`CREATE UNIQUE INDEX source_imports_file_once ON source_imports (town_code, kind, scope, file_sha256) WHERE version IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX source_imports_version_key ON source_imports (town_code, kind, scope, version) WHERE version IS NOT NULL`);
    await q.query(`CREATE INDEX source_imports_waiting_idx ON source_imports (uploaded_at) WHERE status IN ('QUEUED', 'RUNNING')`);
    await q.query(`CREATE INDEX source_imports_town_kind_idx ON source_imports (town_code, kind, uploaded_at)`);

    const evidence = `
        import_id   uuid    NOT NULL REFERENCES source_imports (id) ON DELETE CASCADE,
        sheet       text    NOT NULL,
        row_number  integer NOT NULL,
        town_code   text    NOT NULL`;
    await q.query(`
      CREATE TABLE register_records (${evidence},
        id_number       text,
        name            text    NOT NULL,
        birth_date      date    NOT NULL,
        sex             text,
        area            text,
        villager_group  text,
        address         text,
        household_head  text,
        relation        text,
        PRIMARY KEY (import_id, sheet, row_number),
        CONSTRAINT register_records_sex_check CHECK (sex IN ('M', 'F')),
        CONSTRAINT register_records_id_number_check CHECK (id_number ~ '^[1-9][0-9]{16}[0-9X]$')
      )`);
    await q.query(`CREATE UNIQUE INDEX register_records_import_id_number_key ON register_records (import_id, id_number)`);
    await q.query(`
      CREATE TABLE roll_records (${evidence},
        school          text    NOT NULL,
        student_number  text    NOT NULL,
        id_number       text,
        name            text    NOT NULL,
        birth_date      date    NOT NULL,
        sex             text,
        grade           integer,
        class_name      text,
        PRIMARY KEY (import_id, sheet, row_number),
        CONSTRAINT roll_records_sex_check CHECK (sex IN ('M', 'F')),
        CONSTRAINT roll_records_grade_check CHECK (grade BETWEEN 1 AND 9),
        CONSTRAINT roll_records_id_number_check CHECK (id_number ~ '^[1-9][0-9]{16}[0-9X]$')
      )`);
    await q.query(`CREATE UNIQUE INDEX roll_records_import_student_number_key ON roll_records (import_id, student_number)`);
    await q.query(`CREATE UNIQUE INDEX roll_records_import_id_number_key ON roll_records (import_id, id_number)`);
    await q.query(`
      CREATE TABLE attendance_records (${evidence},
        school          text    NOT NULL,
        student_number  text,
        id_number       text,
        name            text    NOT NULL,
        day             date    NOT NULL,
        absent          boolean NOT NULL,
        reason          text,
        PRIMARY KEY (import_id, sheet, row_number, day),
        CONSTRAINT attendance_records_child_check CHECK (student_number IS NOT NULL OR id_number IS NOT NULL),
        CONSTRAINT attendance_records_id_number_check CHECK (id_number ~ '^[1-9][0-9]{16}[0-9X]$')
      )`);
    await q.query(`CREATE INDEX attendance_records_child_day_idx ON attendance_records (town_code, school, student_number, day)`);
    await q.query(`
      CREATE TABLE poverty_records (${evidence},
        id_number       text,
        name            text    NOT NULL,
        birth_date      date,
        household_head  text,
        area            text,
        category        text,
        PRIMARY KEY (import_id, sheet, row_number),
        CONSTRAINT poverty_records_id_number_check CHECK (id_number ~ '^[1-9][0-9]{16}[0-9X]$')
      )`);
    await q.query(`CREATE UNIQUE INDEX poverty_records_import_id_number_key ON poverty_records (import_id, id_number)`);

    await q.query(`
      CREATE VIEW current_source_imports AS
        SELECT DISTINCT ON (town_code, kind, scope) id, town_code, kind, scope, version, uploaded_at
          FROM source_imports WHERE version IS NOT NULL
         ORDER BY town_code, kind, scope, version DESC`);
    await q.query(`
      CREATE VIEW current_register AS
        SELECT r.town_code, r.id_number, r.name, r.birth_date, r.sex, r.area, r.address, r.import_id,
               r.villager_group, r.household_head, r.relation, r.sheet, r.row_number
          FROM register_records r JOIN current_source_imports i ON i.id = r.import_id`);
    await q.query(`
      CREATE VIEW current_roll AS
        SELECT r.town_code, r.school, r.student_number, r.id_number, r.name, r.birth_date, r.sex, r.grade, r.class_name, r.import_id,
               r.sheet, r.row_number
          FROM roll_records r JOIN current_source_imports i ON i.id = r.import_id`);
    await q.query(`
      CREATE VIEW current_poverty AS
        SELECT r.town_code, r.id_number, r.name, r.birth_date, r.household_head, r.area, r.import_id,
               r.category, r.sheet, r.row_number
          FROM poverty_records r JOIN current_source_imports i ON i.id = r.import_id`);
    // A child is its 学籍号 in the school, else its ID number; the latest version's mark for a day wins.
    await q.query(`
      CREATE VIEW attendance_days AS
        SELECT DISTINCT ON (a.town_code, a.school, COALESCE(a.student_number, 'ID:' || a.id_number), a.day)
               a.town_code, a.school, a.student_number, a.id_number, a.name, a.day, a.absent, a.reason, a.import_id,
               a.sheet, a.row_number
          FROM attendance_records a JOIN source_imports i ON i.id = a.import_id AND i.version IS NOT NULL
         ORDER BY a.town_code, a.school, COALESCE(a.student_number, 'ID:' || a.id_number), a.day, i.version DESC`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW attendance_days`);
    await q.query(`DROP VIEW current_poverty`);
    await q.query(`DROP VIEW current_roll`);
    await q.query(`DROP VIEW current_register`);
    await q.query(`DROP VIEW current_source_imports`);
    await q.query(`DROP TABLE poverty_records`);
    await q.query(`DROP TABLE attendance_records`);
    await q.query(`DROP TABLE roll_records`);
    await q.query(`DROP TABLE register_records`);
    await q.query(`DROP TABLE source_imports`);
  }
}
