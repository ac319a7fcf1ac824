/**
 * Source data for the cross-check tests, written straight into the `finding` record tables (one
 * DONE version per call): what a finished import of a household register, a school roll, an
 * attendance sheet or a poverty list leaves behind.
 */
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';

type Kind = 'HOUSEHOLD_REGISTER' | 'SCHOOL_ROLL' | 'ATTENDANCE' | 'POVERTY_LIST';

const TABLES: Record<Kind, { table: string; columns: string[] }> = {
  HOUSEHOLD_REGISTER: { table: 'register_records', columns: ['id_number', 'name', 'birth_date', 'sex', 'area'] },
  SCHOOL_ROLL: { table: 'roll_records', columns: ['school', 'student_number', 'id_number', 'name', 'birth_date', 'sex', 'grade', 'class_name'] },
  ATTENDANCE: { table: 'attendance_records', columns: ['school', 'student_number', 'id_number', 'name', 'day', 'absent', 'reason'] },
  POVERTY_LIST: { table: 'poverty_records', columns: ['id_number', 'name', 'birth_date', 'household_head', 'area'] },
};

/** Writes `rows` (objects keyed by column) as the next version of town + kind + scope; returns the import id. */
export async function writeSource(db: DataSource, town: string, kind: Kind, scope: string, rows: Array<Record<string, unknown>>): Promise<string> {
  const [{ version }] = await db.query(`SELECT COALESCE(max(version), 0) + 1 AS version FROM source_imports WHERE town_code = $1 AND kind = $2 AND scope = $3`, [town, kind, scope]);
  const [row] = await db.query(
    `INSERT INTO source_imports (town_code, kind, scope, version, file_name, file_sha256, file_size, uploaded_by, importer, status, row_count)
     VALUES ($1, $2, $3, $4, 'fixture.xlsx', $5, 1, 'coordinator', '{}', 'DONE', $6) RETURNING id`,
    [town, kind, scope, version, randomBytes(32).toString('hex'), rows.length],
  );
  const { table, columns } = TABLES[kind];
  const types = columns.map((c) => `${c} ${c === 'grade' ? 'integer' : c === 'absent' ? 'boolean' : c === 'birth_date' || c === 'day' ? 'date' : 'text'}`).join(', ');
  for (let i = 0; i < rows.length; i += 5000) {
    const batch = rows.slice(i, i + 5000).map((r, j) => ({ ...r, row_number: i + j + 2 }));
    await db.query(
      `INSERT INTO ${table} (import_id, sheet, row_number, town_code, ${columns.join(', ')})
       SELECT $1, 'Sheet1', x.row_number, $2, ${columns.map((c) => `x.${c}`).join(', ')}
       FROM jsonb_to_recordset($3::jsonb) AS x(row_number integer, ${types})`,
      [row.id, town, JSON.stringify(batch)],
    );
  }
  return row.id;
}

/** School days (Mon–Fri) from `from`, `count` of them, as YYYY-MM-DD. */
export function schoolDays(from: string, count: number): string[] {
  const days: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); days.length < count; d = new Date(d.getTime() + 86_400_000)) {
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) days.push(d.toISOString().slice(0, 10));
  }
  return days;
}
