import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The cross-check (四查三比对) and the three ledgers (src/finding-check). The cross-check reads the
 * source views of the `finding` imports (current_register, current_roll, attendance_days,
 * current_poverty) and writes only these tables, so this migration does not depend on theirs.
 *
 * - cross_check_runs: one row per run (on demand, scheduled, after an import); `temporal_workflow_id`
 *   makes a retried activity replace its own row.
 * - finding_children: one row per child of a town as the sources know it (key: the ID number, else
 *   name + birth date), with its place and its position in the ledgers (`status`). The three ledgers
 *   are views over it.
 * - finding_items: the lists a person works through, one row per finding (kind + fingerprint unique):
 *   a re-run with the same data finds the same rows and changes nothing; a resolved item stays
 *   resolved unless its evidence (`evidence_hash`) changes.
 * - finding_match_links: a person's review of a fuzzy match (the same child or not); the matching
 *   uses accepted links and never proposes a rejected pair again.
 * - ledger_movements: every move of a child between the ledgers (date, source, who confirmed).
 * - finding_tasks: work routed through the responsibility chains: verifying a suspected dropout
 *   (class teacher and principal), and the 四个一 rhythm's scheduled tasks (quarterly re-check,
 *   term-start visits).
 */
export class FindingCheck1767100000000 implements MigrationInterface {
  name = 'FindingCheck1767100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE cross_check_runs (
        id                    uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        town                  text        NOT NULL,
        trigger               text        NOT NULL CHECK (trigger IN ('REQUEST', 'SCHEDULE', 'IMPORT')),
        requested_by          text,
        temporal_workflow_id  text,
        policy_version        text        NOT NULL,
        status                text        NOT NULL CHECK (status IN ('RUNNING', 'DONE', 'FAILED')),
        started_at            timestamptz NOT NULL DEFAULT now(),
        finished_at           timestamptz,
        summary               jsonb       NOT NULL DEFAULT '{}'::jsonb,
        CONSTRAINT cross_check_runs_workflow_town_key UNIQUE (temporal_workflow_id, town)
      )`);
    await q.query(`CREATE INDEX cross_check_runs_town_started_idx ON cross_check_runs (town, started_at DESC)`);

    await q.query(`
      CREATE TABLE finding_children (
        id             uuid        NOT NULL DEFAULT gen_random_uuid() UNIQUE,
        town           text        NOT NULL,
        child_key      text        NOT NULL,
        id_number      text,
        name           text        NOT NULL,
        birth_date     date,
        sex            text,
        area           text,
        school         text,
        grade          integer,
        class_name     text,
        student_number text,
        on_register    boolean     NOT NULL DEFAULT false,
        on_roll        boolean     NOT NULL DEFAULT false,
        on_poverty     boolean     NOT NULL DEFAULT false,
        school_age     boolean     NOT NULL DEFAULT false,
        status         text        NOT NULL DEFAULT 'NONE' CHECK (status IN ('NONE', 'SUSPECTED', 'DROPOUT')),
        status_since   timestamptz,
        case_id        uuid,
        updated_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (town, child_key)
      )`);
    await q.query(`CREATE INDEX finding_children_status_idx ON finding_children (town, status) WHERE status <> 'NONE'`);
    await q.query(`CREATE INDEX finding_children_id_number_idx ON finding_children (town, id_number)`);

    await q.query(`
      CREATE TABLE finding_items (
        id             uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        town           text        NOT NULL,
        kind           text        NOT NULL CHECK (kind IN (${list(ITEM_KINDS)})),
        fingerprint    text        NOT NULL,
        child_key      text        NOT NULL,
        id_number      text,
        name           text        NOT NULL,
        birth_date     date,
        area           text,
        school         text,
        grade          integer,
        class_name     text,
        evidence       jsonb       NOT NULL,
        evidence_hash  text        NOT NULL,
        status         text        NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'CONFIRMED', 'CLEARED', 'GONE')),
        found_at       timestamptz NOT NULL DEFAULT now(),
        first_run_id   uuid,
        due_at         timestamptz,
        resolved_at    timestamptz,
        resolved_by    text,
        resolution     text,
        resolution_note text,
        case_id        uuid,
        reopened       integer     NOT NULL DEFAULT 0,
        updated_at     timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT finding_items_one_per_fingerprint UNIQUE (town, kind, fingerprint),
        CONSTRAINT finding_items_resolved_has_who CHECK ((status IN ('CONFIRMED', 'CLEARED')) = (resolved_by IS NOT NULL AND resolution IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX finding_items_open_idx ON finding_items (town, kind, area, school) WHERE status = 'OPEN'`);
    await q.query(`CREATE INDEX finding_items_child_idx ON finding_items (town, child_key)`);

    await q.query(`
      CREATE TABLE finding_match_links (
        town          text        NOT NULL,
        register_key  text        NOT NULL,
        roll_key      text        NOT NULL,
        same_child    boolean     NOT NULL,
        decided_by    text        NOT NULL,
        decided_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (town, register_key, roll_key)
      )`);

    await q.query(`
      CREATE TABLE ledger_movements (
        id          text        PRIMARY KEY,
        town        text        NOT NULL,
        child_key   text        NOT NULL,
        from_status text        NOT NULL CHECK (from_status IN ('NONE', 'SUSPECTED', 'DROPOUT')),
        to_status   text        NOT NULL CHECK (to_status IN ('NONE', 'SUSPECTED', 'DROPOUT')),
        source      text        NOT NULL CHECK (source IN (${list(MOVEMENT_SOURCES)})),
        moved_at    timestamptz NOT NULL,
        confirmed_by text,
        item_id     uuid,
        case_id     uuid,
        run_id      uuid,
        note        text,
        CONSTRAINT ledger_movements_moves CHECK (from_status <> to_status)
      )`);
    await q.query(`CREATE INDEX ledger_movements_child_idx ON ledger_movements (town, child_key, moved_at)`);
    await q.query(`CREATE INDEX ledger_movements_town_moved_idx ON ledger_movements (town, moved_at)`);

    await q.query(`
      CREATE TABLE finding_tasks (
        id          text        PRIMARY KEY,
        town        text        NOT NULL,
        kind        text        NOT NULL CHECK (kind IN ('VERIFY_SUSPECTED', 'QUARTERLY_RECHECK', 'TERM_START_VISIT')),
        item_id     uuid        REFERENCES finding_items (id),
        role        text        NOT NULL,
        link        text        NOT NULL,
        holder      text        NOT NULL,
        title_zh    text        NOT NULL,
        title_en    text        NOT NULL,
        due_at      timestamptz NOT NULL,
        status      text        NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'CLOSED')),
        closed_at   timestamptz,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX finding_tasks_open_by_holder_idx ON finding_tasks (town, holder, due_at) WHERE status = 'OPEN'`);
    await q.query(`CREATE INDEX finding_tasks_item_idx ON finding_tasks (item_id) WHERE status = 'OPEN'`);

    // The three ledgers (适龄儿童 / 疑似辍学 / 辍学): views, so every reader sees the one position per child.
    await q.query(`CREATE VIEW ledger_school_age AS SELECT * FROM finding_children WHERE school_age`);
    await q.query(`CREATE VIEW ledger_suspected AS SELECT * FROM finding_children WHERE status = 'SUSPECTED'`);
    await q.query(`CREATE VIEW ledger_dropout AS SELECT * FROM finding_children WHERE status = 'DROPOUT'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW ledger_dropout`);
    await q.query(`DROP VIEW ledger_suspected`);
    await q.query(`DROP VIEW ledger_school_age`);
    await q.query(`DROP TABLE finding_tasks`);
    await q.query(`DROP TABLE ledger_movements`);
    await q.query(`DROP TABLE finding_match_links`);
    await q.query(`DROP TABLE finding_items`);
    await q.query(`DROP TABLE finding_children`);
    await q.query(`DROP TABLE cross_check_runs`);
  }
}

function list(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}

// Frozen copies of FINDING_KINDS and MOVEMENT_SOURCES (src/finding-check/vocabulary.ts) as of this migration.
const ITEM_KINDS = ['NOT_ENROLLED', 'SUSPECTED_DROPOUT', 'POVERTY_DROPOUT', 'ROLL_WITHOUT_REGISTER', 'BIRTH_DATE_CONFLICT', 'ON_TWO_ROLLS', 'FUZZY_MATCH'];
const MOVEMENT_SOURCES = ['ATTENDANCE', 'CROSS_CHECK', 'CONFIRMED', 'CLEARED', 'POLICY', 'CASE_OPENED', 'CASE_RETURNED', 'CASE_ENDED'];
