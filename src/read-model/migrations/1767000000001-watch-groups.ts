import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The watch groups of the national list (issue 15; 教基厅函〔2024〕15号) as registry flags beside
 * 残疾 and 留守, which the children have already: 孤儿, 事实无人抚养, 困境, 流动, 涉诉. 否 unless said.
 */
export class WatchGroups1767000000001 implements MigrationInterface {
  name = 'WatchGroups1767000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE children
        ADD COLUMN is_orphan boolean NOT NULL DEFAULT false,
        ADD COLUMN is_unattended boolean NOT NULL DEFAULT false,
        ADD COLUMN is_in_hardship boolean NOT NULL DEFAULT false,
        ADD COLUMN is_migrant boolean NOT NULL DEFAULT false,
        ADD COLUMN is_court_involved boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE children DROP COLUMN is_orphan, DROP COLUMN is_unattended, DROP COLUMN is_in_hardship, DROP COLUMN is_migrant, DROP COLUMN is_court_involved`);
  }
}
