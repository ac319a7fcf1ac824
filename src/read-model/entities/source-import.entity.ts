import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from './user.entity';
import { sqlList } from './sql-list';

/** The four sources of 四查三比对 (issue 15), as `source_imports.kind`. */
export const SOURCE_KINDS = ['HOUSEHOLD_REGISTER', 'SCHOOL_ROLL', 'ATTENDANCE', 'POVERTY_LIST'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export const SOURCE_IMPORT_STATUSES = ['QUEUED', 'RUNNING', 'DONE', 'FAILED'] as const;
export type SourceImportStatus = (typeof SOURCE_IMPORT_STATUSES)[number];

/**
 * One upload of a source file: the job while it waits and runs, then the version it made
 * (migration 1767000000000-source-imports). `version` is set only for a real import that ended
 * DONE; the views read the latest version per town + kind + scope.
 */
@Entity({ name: 'source_imports' })
@Index('source_imports_file_once', ['townCode', 'kind', 'scope', 'fileSha256'], { unique: true, where: 'version IS NOT NULL' })
@Index('source_imports_version_key', ['townCode', 'kind', 'scope', 'version'], { unique: true, where: 'version IS NOT NULL' })
@Index('source_imports_waiting_idx', ['uploadedAt'], { where: `status IN ('QUEUED', 'RUNNING')` })
@Index('source_imports_town_kind_idx', ['townCode', 'kind', 'uploadedAt'])
@Check('source_imports_kind_check', `kind IN (${sqlList(SOURCE_KINDS)})`)
@Check('source_imports_status_check', `status IN (${sqlList(SOURCE_IMPORT_STATUSES)})`)
@Check('source_imports_town_check', `town_code ~ '^[A-Z][A-Z0-9_]*$'`)
@Check('source_imports_file_sha256_check', `file_sha256 ~ '^[0-9a-f]{64}$'`)
@Check('source_imports_phase_check', `progress_phase IS NULL OR progress_phase IN ('reading', 'writing')`)
@Check('source_imports_version_check', `version IS NULL OR (version >= 1 AND status = 'DONE' AND NOT dry_run AND same_as IS NULL)`)
export class SourceImportEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'town_code', type: 'text' })
  townCode!: string;

  @Column({ type: 'text' })
  kind!: SourceKind;

  /** The school code for a roll or attendance file; '' for the town-wide register and poverty list. */
  @Column({ type: 'text', default: '' })
  scope!: string;

  /** 1, 2, 3 … per town + kind + scope; null for dry runs, failures and re-imports of the same file. */
  @Column({ type: 'integer', nullable: true })
  version!: number | null;

  @Column({ name: 'file_name', type: 'text' })
  fileName!: string;

  /** SHA-256 of the file, hex. */
  @Column({ name: 'file_sha256', type: 'text' })
  fileSha256!: string;

  @Column({ name: 'file_size', type: 'integer' })
  fileSize!: number;

  /** The upload while the job waits; emptied when it ends. */
  @Column({ type: 'bytea', nullable: true })
  file!: Buffer | null;

  @Column({ name: 'dry_run', type: 'boolean', default: false })
  dryRun!: boolean;

  /** The uploader's user name. */
  @Column({ name: 'uploaded_by', type: 'text' })
  uploadedBy!: string;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'source_imports_user_id_fkey' })
  user?: UserEntity;

  /** The user as the request saw them (role and scope), for the write rule. */
  @Column({ type: 'jsonb' })
  importer!: unknown;

  @Column({ type: 'text', nullable: true })
  ip!: string | null;

  @Column({ name: 'uploaded_at', type: 'timestamptz', default: () => 'now()' })
  uploadedAt!: Date;

  @Column({ type: 'text', default: 'QUEUED' })
  status!: SourceImportStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'progress_phase', type: 'text', nullable: true })
  progressPhase!: 'reading' | 'writing' | null;

  @Column({ name: 'progress_done', type: 'integer', default: 0 })
  progressDone!: number;

  @Column({ name: 'progress_total', type: 'integer', default: 0 })
  progressTotal!: number;

  /** Records the file gave (rows; attendance: child-days). */
  @Column({ name: 'row_count', type: 'integer', nullable: true })
  rowCount!: number | null;

  /** The row report: counts and the problems row by row. */
  @Column({ type: 'jsonb', nullable: true })
  report!: unknown;

  /** Why it failed, in the API's error shape. */
  @Column({ type: 'jsonb', nullable: true })
  error!: unknown;

  /** A re-import of a file already imported: the import it answers (nothing was written). */
  @Column({ name: 'same_as', type: 'uuid', nullable: true })
  sameAs!: string | null;

  @ManyToOne(() => SourceImportEntity)
  @JoinColumn({ name: 'same_as', foreignKeyConstraintName: 'source_imports_same_as_fkey' })
  sameAsImport?: SourceImportEntity;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'heartbeat_at', type: 'timestamptz', nullable: true })
  heartbeatAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
