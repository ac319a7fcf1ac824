/**
 * Importing a source file (四查三比对, issue 15) as the job of its source_imports row:
 * 1. read the file and check every row (./parse-sources.ts; the job runs it in a worker thread);
 * 2. any bad row: nothing is written, the job fails with the row-by-row report (all or nothing);
 *    a teacher's attendance rows of pupils outside their class (by the school's current roll) are bad rows too;
 * 3. a dry run: the counts, nothing written;
 * 4. else, in one transaction, under a lock of town + kind + scope: the same file already imported
 *    answers that import (`same_as`, nothing written); otherwise the records are inserted and the
 *    import becomes the next version, in the same commit, so the views never see half a version.
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { LedgerProblem, UnknownColumn } from '../../ledger/parse-ledger';
import type { ReadLimits } from '../../ledger/read-sheet';
import type { SourceKind } from '../../read-model/entities';
import type { Town } from '../../read-model/town';
import { AttendanceFormat, ParsedSource, readAndParseSource, SourceParseOptions, SourceRecordInput } from './parse-sources';

export type SourceReportStatus = 'IMPORTED' | 'ALREADY_IMPORTED' | 'DRY_RUN' | 'REJECTED';

export interface SourceImportCounts {
  /** Data rows of the file. */
  rows: number;
  badRows: number;
  /** Records written (or, in a dry run, that would be): people, or for attendance child-days. */
  records: number;
  /** Attendance: marks of absence among them. */
  absences: number;
}

export interface SourceReport {
  status: SourceReportStatus;
  kind: SourceKind;
  /** The school code, or '' (town-wide). */
  scope: string;
  fileName: string;
  fileSha256: string;
  /** The version this import made; null unless IMPORTED. */
  version: number | null;
  /** The same file imported before: that import (ALREADY_IMPORTED; a dry run says so too). */
  sameAs: { id: string; version: number; uploadedAt: string; uploadedBy: string } | null;
  counts: SourceImportCounts;
  attendanceFormat: AttendanceFormat | null;
  /** Attendance: the first and last day of the file. */
  days: { from: string; to: string } | null;
  problems: LedgerProblem[];
  unknownColumns: UnknownColumn[];
  sheets: string[];
}

export interface SourceImportJob {
  id: string;
  town: Town;
  kind: SourceKind;
  scope: string;
  fileName: string;
  fileSha256: string;
  bytes: Buffer;
  dryRun: boolean;
  /** A teacher: attendance rows must be pupils of this class on the school's current roll. */
  classOnly: { grade: number; className: string } | null;
  limits: ReadLimits;
  readAndParse?: (town: Town, fileName: string, bytes: Buffer, limits: ReadLimits, options: SourceParseOptions) => Promise<ParsedSource>;
  onProgress?: (phase: 'reading' | 'writing', done: number, total: number) => void;
}

/** Rows per INSERT: 2,000 records of ~15 fields stay well under PostgreSQL's parameter and size limits as one jsonb. */
const BATCH = 2_000;

/** Imports the file; the source_imports row is ended (DONE) here when it wrote, by the caller otherwise. */
export async function importSource(dataSource: DataSource, job: SourceImportJob): Promise<SourceReport> {
  const school = job.kind === 'SCHOOL_ROLL' || job.kind === 'ATTENDANCE' ? job.scope : null;
  const parsed = await (job.readAndParse ?? readAndParseSource)(job.town, job.fileName, job.bytes, job.limits, { kind: job.kind, school });
  const report: SourceReport = {
    status: 'IMPORTED',
    kind: job.kind,
    scope: job.scope,
    fileName: job.fileName,
    fileSha256: job.fileSha256,
    version: null,
    sameAs: null,
    counts: { rows: parsed.totalRows, badRows: parsed.badRows, records: 0, absences: 0 },
    attendanceFormat: parsed.attendanceFormat,
    days: null,
    problems: parsed.problems,
    unknownColumns: parsed.unknownColumns,
    sheets: parsed.sheets,
  };
  let records = parsed.records;
  if (job.classOnly) records = await keepOwnClass(dataSource, job, records, report);
  const marks = records.flatMap((r) => r.marks);
  report.counts.records = job.kind === 'ATTENDANCE' ? marks.length : records.length;
  report.counts.absences = marks.filter((m) => m.absent).length;
  if (marks.length > 0) {
    const days = marks.map((m) => m.day).sort();
    report.days = { from: days[0], to: days[days.length - 1] };
  }
  report.sameAs = await sameFile(dataSource, job);
  if (report.problems.length > 0) return { ...report, status: 'REJECTED' };
  if (job.dryRun) return { ...report, status: 'DRY_RUN' };
  if (report.sameAs) return { ...report, status: 'ALREADY_IMPORTED' };

  return dataSource.transaction(async (manager) => {
    // One writer per town + kind + scope at a time: versions count up without gaps, a file is one version once.
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('source_imports|' || $1 || '|' || $2 || '|' || $3))`, [job.town.code, job.kind, job.scope]);
    const again = await sameFile(manager, job);
    if (again) return { ...report, status: 'ALREADY_IMPORTED' as const, sameAs: again };
    await insertRecords(manager, job, records);
    const [{ version }] = await manager.query(
      `SELECT COALESCE(max(version), 0) + 1 AS version FROM source_imports WHERE town_code = $1 AND kind = $2 AND scope = $3 AND version IS NOT NULL`,
      [job.town.code, job.kind, job.scope],
    );
    const done: SourceReport = { ...report, version };
    await manager.query(
      // The progress too: a last progress write waiting on this row finds it DONE and writes nothing.
      `UPDATE source_imports SET status = 'DONE', version = $2, row_count = $3, report = $4::jsonb, error = NULL, file = NULL, finished_at = now(), heartbeat_at = now(),
              progress_phase = 'writing', progress_done = $5, progress_total = $5 WHERE id = $1`,
      [job.id, version, report.counts.records, JSON.stringify({ ...done, problemCount: 0 }), report.counts.records]
    );
    return done;
  });
}

/** The DONE import of the same file for this town, kind and scope, if there is one. */
async function sameFile(db: Pick<DataSource, 'query'>, job: SourceImportJob): Promise<SourceReport['sameAs']> {
  const rows: Array<{ id: string; version: number; uploaded_at: Date; uploaded_by: string }> = await db.query(
    `SELECT id, version, uploaded_at, uploaded_by FROM source_imports WHERE town_code = $1 AND kind = $2 AND scope = $3 AND file_sha256 = $4 AND version IS NOT NULL`,
    [job.town.code, job.kind, job.scope, job.fileSha256],
  );
  const r = rows[0];
  return r ? { id: r.id, version: r.version, uploadedAt: r.uploaded_at.toISOString(), uploadedBy: r.uploaded_by } : null;
}

/**
 * A teacher imports the attendance of their own class: a row is theirs when its pupil (学籍号, else
 * ID number) is on the school's current roll in the teacher's grade and class. Others are bad rows.
 */
async function keepOwnClass(dataSource: DataSource, job: SourceImportJob, records: SourceRecordInput[], report: SourceReport): Promise<SourceRecordInput[]> {
  const roll: Array<{ student_number: string; id_number: string | null; grade: number | null; class_name: string | null }> = await dataSource.query(
    `SELECT student_number, id_number, grade, class_name FROM current_roll WHERE town_code = $1 AND school = $2`,
    [job.town.code, job.scope],
  );
  const ours = new Set<string>();
  for (const r of roll) {
    if (r.grade !== job.classOnly!.grade || r.class_name !== job.classOnly!.className) continue;
    ours.add(`S|${r.student_number}`);
    if (r.id_number) ours.add(`I|${r.id_number}`);
  }
  const kept = records.filter((r) => (r.studentNumber ? ours.has(`S|${r.studentNumber}`) : ours.has(`I|${r.idNumber}`)));
  const refused = records.filter((r) => !kept.includes(r));
  for (const r of refused) {
    report.counts.badRows++;
    report.problems.push({
      sheet: r.sheet,
      row: r.row,
      column: '',
      header: '',
      value: r.name,
      message: '该学生不在您的班级（按本校现行学籍）；请只导入本班的考勤，或由校长、镇统筹负责人导入',
      messageEn: "The pupil is not in your class (by the school's current roll); import your class's attendance only, or ask the principal or the coordinator",
    });
  }
  if (refused.length > 0) report.problems.sort((a, b) => (a.sheet === b.sheet ? a.row - b.row : report.sheets.indexOf(a.sheet) - report.sheets.indexOf(b.sheet)));
  return kept;
}

async function insertRecords(manager: EntityManager, job: SourceImportJob, records: SourceRecordInput[]): Promise<void> {
  const base = (r: SourceRecordInput) => ({ import_id: job.id, sheet: r.sheet, row_number: r.row, town_code: job.town.code, id_number: r.idNumber, name: r.name });
  const rows: Array<Record<string, unknown>> =
    job.kind === 'ATTENDANCE'
      ? records.flatMap((r) => r.marks.map((m) => ({ ...base(r), school: r.school, student_number: r.studentNumber, day: m.day, absent: m.absent, reason: m.reason })))
      : records.map((r) => ({
          ...base(r),
          birth_date: r.birthDate,
          sex: r.sex,
          area: r.area,
          villager_group: r.villagerGroup,
          address: r.address,
          household_head: r.householdHead,
          relation: r.relation,
          school: r.school,
          student_number: r.studentNumber,
          grade: r.grade,
          class_name: r.className,
          category: r.category,
        }));
  const { table, columns } = TABLES[job.kind];
  const all = `import_id uuid, sheet text, row_number integer, town_code text, id_number text, name text, ${columns}`;
  const names = all.split(',').map((c) => c.trim().split(' ')[0]);
  for (let i = 0; i < rows.length; i += BATCH) {
    await manager.query(`INSERT INTO ${table} (${names.join(', ')}) SELECT ${names.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS r(${all})`, [JSON.stringify(rows.slice(i, i + BATCH))]);
    job.onProgress?.('writing', Math.min(i + BATCH, rows.length), rows.length);
  }
}

/** Each kind's table and its own columns (beyond the evidence, the ID number and the name). */
const TABLES: Record<SourceKind, { table: string; columns: string }> = {
  HOUSEHOLD_REGISTER: { table: 'register_records', columns: 'birth_date date, sex text, area text, villager_group text, address text, household_head text, relation text' },
  SCHOOL_ROLL: { table: 'roll_records', columns: 'school text, student_number text, birth_date date, sex text, grade integer, class_name text' },
  ATTENDANCE: { table: 'attendance_records', columns: 'school text, student_number text, day date, absent boolean, reason text' },
  POVERTY_LIST: { table: 'poverty_records', columns: 'birth_date date, household_head text, area text, category text' },
};
