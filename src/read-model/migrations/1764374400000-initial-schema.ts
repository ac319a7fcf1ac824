import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The read model's first schema, hand-written so every constraint is exactly what we mean.
 * The stage and cause lists below are frozen copies of the vocabulary at the time of writing: a new
 * stage or cause needs a new migration (test/database/schema.test.ts catches the drift). Event
 * types are not constrained: the engine may add automatic events without a schema change.
 *
 * What the database itself guarantees:
 * - one child, at most one open case: a partial unique index on cases(child_id) WHERE open;
 * - the timeline is append-only: a trigger refuses UPDATE, DELETE and TRUNCATE on case_events;
 * - an event's id is `${case_id}:${seq}`, so a retried projection cannot write a second row.
 */
export class InitialSchema1764374400000 implements MigrationInterface {
  // Named explicitly: a bundler that renames classes must not change the migration's identity.
  name = 'InitialSchema1764374400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE children (
        id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        name        text        NOT NULL CHECK (btrim(name) <> ''),
        id_number   text        NOT NULL CHECK (id_number ~ '^[1-9][0-9]{16}[0-9X]$'),
        birth_date  date        NOT NULL,
        sex         text        NOT NULL CHECK (sex IN ('M', 'F')),
        school      text        NOT NULL,
        grade       integer     NOT NULL CHECK (grade BETWEEN 1 AND 9),
        class_name  text        NOT NULL,
        area        text        NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT children_id_number_key UNIQUE (id_number)
      )`);

    await q.query(`
      CREATE TABLE guardians (
        id        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        child_id  uuid NOT NULL REFERENCES children (id) ON DELETE CASCADE,
        name      text NOT NULL CHECK (btrim(name) <> ''),
        phone     text NOT NULL,
        relation  text NOT NULL
      )`);
    await q.query(`CREATE INDEX guardians_child_id_idx ON guardians (child_id)`);

    await q.query(`
      CREATE TABLE policies (
        version        text        PRIMARY KEY,
        body           jsonb       NOT NULL,
        first_seen_at  timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE cases (
        id                   uuid        PRIMARY KEY,
        child_id             uuid        NOT NULL REFERENCES children (id),
        cause                text        NOT NULL CHECK (cause IN (${list(CAUSES)})),
        area                 text        NOT NULL,
        school               text        NOT NULL,
        stage                text        NOT NULL CHECK (stage IN (${list(STAGES)})),
        open                 boolean     NOT NULL DEFAULT true,
        paused               boolean     NOT NULL DEFAULT false,
        paused_at            timestamptz,
        policy_version       text,
        opened_at            timestamptz NOT NULL,
        opened_by            text        NOT NULL,
        stage_entered_at     timestamptz NOT NULL,
        action_due_at        timestamptz,
        window_ends_at       timestamptz,
        next_deadline_at     timestamptz,
        returned_from        text        CHECK (returned_from IN (${list(CHAIN_STAGES)})),
        follow_up_completed  boolean     NOT NULL DEFAULT false,
        assignee             text,
        allowed_actions      text[]      NOT NULL DEFAULT '{}',
        last_seq             integer     NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
        ended_at             timestamptz,
        note                 text,
        updated_at           timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT cases_open_matches_stage CHECK (open = (stage NOT IN (${list(ENDINGS)})))
      )`);
    // 一人一案: the database, not the application, makes "at most one open case per child" atomic.
    await q.query(`CREATE UNIQUE INDEX cases_one_open_case_per_child ON cases (child_id) WHERE open`);
    await q.query(`CREATE INDEX cases_child_id_idx ON cases (child_id)`);
    await q.query(`CREATE INDEX cases_area_deadline_idx ON cases (area, next_deadline_at)`);
    await q.query(`CREATE INDEX cases_school_deadline_idx ON cases (school, next_deadline_at)`);
    await q.query(`CREATE INDEX cases_stage_deadline_idx ON cases (stage, next_deadline_at)`);
    await q.query(`CREATE INDEX cases_next_deadline_idx ON cases (next_deadline_at)`);
    await q.query(`CREATE INDEX cases_overdue_idx ON cases (next_deadline_at) WHERE open AND NOT paused`);

    await q.query(`
      CREATE TABLE case_events (
        id            text        PRIMARY KEY,
        case_id       uuid        NOT NULL REFERENCES cases (id),
        seq           integer     NOT NULL CHECK (seq >= 1),
        type          text        NOT NULL,
        automatic     boolean     NOT NULL,
        actor         text        NOT NULL,
        reason        text        NOT NULL DEFAULT '',
        stage_before  text        NOT NULL CHECK (stage_before IN (${list(STAGES)})),
        stage_after   text        NOT NULL CHECK (stage_after IN (${list(STAGES)})),
        occurred_at   timestamptz NOT NULL,
        recorded_at   timestamptz NOT NULL DEFAULT now(),
        data          jsonb       NOT NULL DEFAULT '{}',
        CONSTRAINT case_events_case_seq_key UNIQUE (case_id, seq),
        CONSTRAINT case_events_id_is_case_and_seq CHECK (id = case_id::text || ':' || seq::text)
      )`);
    await q.query(`
      CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'case_events is append-only: % is not allowed', TG_OP
          USING ERRCODE = 'restrict_violation',
                HINT = 'the timeline is a record; correct it by appending a new event';
      END
      $$`);
    await q.query(`
      CREATE TRIGGER case_events_no_update_or_delete
        BEFORE UPDATE OR DELETE ON case_events
        FOR EACH ROW EXECUTE FUNCTION case_events_append_only()`);
    await q.query(`
      CREATE TRIGGER case_events_no_truncate
        BEFORE TRUNCATE ON case_events
        FOR EACH STATEMENT EXECUTE FUNCTION case_events_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE case_events`);
    await q.query(`DROP FUNCTION case_events_append_only()`);
    await q.query(`DROP TABLE cases`);
    await q.query(`DROP TABLE policies`);
    await q.query(`DROP TABLE guardians`);
    await q.query(`DROP TABLE children`);
  }
}

function list(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}

// Frozen copies of src/workflows/vocabulary.ts as of this migration.
const CHAIN_STAGES = ['HOME_VISIT', 'PERSUASION', 'TOWN_CRITICISM', 'CORRECTION_DEADLINE', 'JUDICIAL_DOCUMENT', 'LEGAL_LIABILITY'];
const ENDINGS = ['CLOSED', 'EXEMPTED', 'TRANSFERRED', 'COMPLETED', 'CANCELLED'];
const STAGES = [...CHAIN_STAGES, 'RETURNED', ...ENDINGS];
const CAUSES = ['LEARNING_DIFFICULTY', 'POVERTY', 'DISABILITY', 'GUARDIAN_REFUSES', 'ILLNESS', 'WORK', 'MARRIAGE', 'MOVED_AWAY', 'OTHER'];
