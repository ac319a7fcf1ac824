import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The chain's documents (文书), each with its number (文号), and the counters that number them.
 *
 * - documents is append-only like case_events (a trigger refuses UPDATE, DELETE, TRUNCATE): an
 *   issued paper is a record; `content` is the text as issued, so a re-download prints the same.
 * - The number is unique per town (it carries the year and the kind's prefix), and (town, year,
 *   kind, seq) is unique; the counter row of (town, year, kind) is bumped inside the transaction
 *   that inserts the document, so concurrent issues queue on its row lock and get consecutive
 *   numbers, and a rolled-back issue gives its number back.
 * - Each document records one step of the timeline (basis_seq); a step has at most one document
 *   of a kind, and the step must exist (foreign key onto case_events' unique (case_id, seq)).
 * - town: the town code (towns/*.json `code`), as on every record of town data.
 * The kind list is a frozen copy of src/documents/document-kinds.ts: a new kind needs a migration.
 */
export class Documents1764950000000 implements MigrationInterface {
  name = 'Documents1764950000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE document_counters (
        town      text    NOT NULL,
        year      integer NOT NULL,
        kind      text    NOT NULL,
        last_seq  integer NOT NULL CHECK (last_seq >= 1),
        PRIMARY KEY (town, year, kind)
      )`);
    await q.query(`
      CREATE TABLE documents (
        id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        town        text        NOT NULL,
        case_id     uuid        NOT NULL REFERENCES cases (id),
        kind        text        NOT NULL CHECK (kind IN (${KINDS.map((k) => `'${k}'`).join(', ')})),
        basis_seq   integer     NOT NULL,
        number      text        NOT NULL,
        year        integer     NOT NULL CHECK (year BETWEEN 2000 AND 2999),
        seq         integer     NOT NULL CHECK (seq >= 1),
        issued_at   timestamptz NOT NULL,
        issued_by   text        NOT NULL,
        content     jsonb       NOT NULL,
        CONSTRAINT documents_town_number_key UNIQUE (town, number),
        CONSTRAINT documents_town_year_kind_seq_key UNIQUE (town, year, kind, seq),
        CONSTRAINT documents_one_per_step_key UNIQUE (case_id, kind, basis_seq),
        CONSTRAINT documents_basis_fkey FOREIGN KEY (case_id, basis_seq) REFERENCES case_events (case_id, seq)
      )`);
    await q.query(`CREATE INDEX documents_case_id_idx ON documents (case_id, issued_at)`);
    await q.query(`
      CREATE FUNCTION documents_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'documents is append-only: % is not allowed', TG_OP
          USING ERRCODE = 'restrict_violation',
                HINT = 'an issued document is a record; issue a new one instead';
      END
      $$`);
    await q.query(`
      CREATE TRIGGER documents_no_update_or_delete
        BEFORE UPDATE OR DELETE ON documents
        FOR EACH ROW EXECUTE FUNCTION documents_append_only()`);
    await q.query(`
      CREATE TRIGGER documents_no_truncate
        BEFORE TRUNCATE ON documents
        FOR EACH STATEMENT EXECUTE FUNCTION documents_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE documents`);
    await q.query(`DROP FUNCTION documents_append_only()`);
    await q.query(`DROP TABLE document_counters`);
  }
}

// Frozen copy of DOCUMENT_KINDS (src/documents/document-kinds.ts) as of this migration.
const KINDS = ['ENROLMENT_NOTICE', 'HOME_VISIT_RECORD', 'CRITICISM_RECORD', 'CORRECTION_ORDER', 'JUDICIAL_COVER', 'LEGAL_REFERRAL'];
