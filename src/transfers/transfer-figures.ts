/**
 * The dashboard's transfer figures for a town and a viewer's scope, from the acceptance date: a
 * case accepted by another town counts as transferred out of the sending town (in the scope the
 * case had there: its area, school, class), and transferred in to the receiving town (in the scope
 * it has now). The open-case figures follow the case row, whose town is the receiving town's.
 */
import type { DataSource } from 'typeorm';
import type { CaseScope } from '../access/permissions';
import { caseScopeSql } from '../read-model/scope-sql';

export interface TransferFigures {
  transferredIn: number;
  transferredOut: number;
}

export async function transferFigures(db: DataSource, town: string, scope: CaseScope, since: Date): Promise<TransferFigures> {
  const params: unknown[] = [town, since];
  const inScope = caseScopeSql(scope, params, 'c', 'child');
  const outScope = caseScopeSql(scope, params, 'o', 'was');
  const [row]: Array<{ transferred_in: number; transferred_out: number }> = await db.query(
    `SELECT
       (SELECT count(*)::int FROM case_transfers t JOIN cases c ON c.id = t.case_id JOIN children child ON child.id = c.child_id
         WHERE t.status = 'ACCEPTED' AND t.to_town = $1 AND t.decided_at >= $2 AND ${inScope}) AS transferred_in,
       (SELECT count(*)::int FROM (
          SELECT t.from_area AS area, t.from_school AS school, t.from_child_id AS child_id, cs.stage
            FROM case_transfers t JOIN cases cs ON cs.id = t.case_id
           WHERE t.status = 'ACCEPTED' AND t.from_town = $1 AND t.decided_at >= $2
        ) o JOIN children was ON was.id = o.child_id WHERE ${outScope}) AS transferred_out`,
    params,
  );
  return { transferredIn: row.transferred_in, transferredOut: row.transferred_out };
}
