/**
 * The receiving town's record of a transferred child: the sending town's record copied into the
 * receiving town's registry (children are kept per town) at the place the receiving town gives
 * (area, school, grade, class), with the guardians. A child already on the receiving town's
 * registry (by ID number) keeps its record, moved to that place. In one transaction; the sending
 * town's record stays as it was (it reads what it did).
 */
import type { DataSource } from 'typeorm';

export interface ReceivingPlace {
  town: string;
  area: string;
  school: string;
  grade: number;
  className: string;
}

export async function receiveChild(dataSource: DataSource, fromChildId: string, place: ReceivingPlace): Promise<{ id: string; created: boolean }> {
  return dataSource.transaction(async (manager) => {
    const rows: Array<{ id: string; created: boolean }> = await manager.query(
      `INSERT INTO children (town, name, id_number, birth_date, sex, school, grade, class_name, area)
       SELECT $2, name, id_number, birth_date, sex, $3, $4, $5, $6 FROM children WHERE id = $1
       ON CONFLICT (town, id_number) DO UPDATE SET school = EXCLUDED.school, grade = EXCLUDED.grade, class_name = EXCLUDED.class_name,
         area = EXCLUDED.area, updated_at = now()
       RETURNING id, (xmax = 0) AS created`,
      [fromChildId, place.town, place.school, place.grade, place.className, place.area],
    );
    const child = rows[0];
    if (!child) throw new Error(`no child ${fromChildId} to transfer`);
    if (child.created) {
      await manager.query(`INSERT INTO guardians (child_id, name, phone, relation) SELECT $2, name, phone, relation FROM guardians WHERE child_id = $1`, [fromChildId, child.id]);
    }
    return { id: child.id, created: child.created };
  });
}

/**
 * Takes a copy made for an acceptance the engine did not take (refused, or unavailable) out of the
 * receiving town's registry again, unless a case has come to use it meanwhile: nothing half-written.
 */
export async function dropReceivedChild(dataSource: DataSource, childId: string): Promise<void> {
  await dataSource.query(`DELETE FROM children WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM cases WHERE child_id = $1)`, [childId]);
}
