import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Support measures (帮扶措施) in the read model, written by the projection from the case snapshot:
 * one row per measure, its id the id of the ADD_SUPPORT event that added it. A row only moves
 * forwards (updated_seq grows), like the case row. `town` as every town table has (CONTRACT.md).
 * The measure and outcome lists are frozen copies of the vocabulary at the time of writing.
 *
 * Also: `cases.held_for_support`, the support-before-sanction hold as the snapshot shows it. (The
 * children's priority flags the education-aid list sorts by come with the towns migration.)
 */
export class SupportMeasures1764900000000 implements MigrationInterface {
  name = 'SupportMeasures1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cases ADD COLUMN held_for_support jsonb`);
    await q.query(`
      CREATE TABLE support_measures (
        id           text        PRIMARY KEY,
        case_id      uuid        NOT NULL REFERENCES cases (id),
        town         text        NOT NULL,
        measure      text        NOT NULL CHECK (measure IN ('TUTORING', 'EDUCATION_AID', 'HOME_DELIVERED_EDUCATION', 'OTHER')),
        owner        text,
        due_at       timestamptz,
        outcome      text        NOT NULL CHECK (outcome IN ('PENDING', 'DONE', 'GRANTED', 'REFUSED', 'NOT_ELIGIBLE', 'DELIVERED')),
        added_at     timestamptz NOT NULL,
        added_by     text        NOT NULL,
        decided_at   timestamptz,
        decided_by   text,
        note         text,
        updated_seq  integer     NOT NULL,
        updated_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX support_measures_case_id_idx ON support_measures (case_id)`);
    await q.query(`CREATE INDEX support_measures_town_measure_outcome_idx ON support_measures (town, measure, outcome)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE support_measures`);
    await q.query(`ALTER TABLE cases DROP COLUMN held_for_support`);
  }
}
