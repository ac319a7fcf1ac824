import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from './user.entity';

/** What an audit row records (the `what` column). */
/** Every kind the audit log knows; the database checks only their form (migration 1764800000001), this list is the one place they are named. */
export const AUDIT_KINDS = [
  'LOGIN',
  'LOGIN_FAILED',
  /** The failed log-in that locked an account (src/api/hardening/login-throttle.ts). */
  'LOGIN_LOCKED',
  'LIST_CASES',
  'READ_CASE',
  'REPORT_CASE',
  'ACT',
  'READ_AUDIT',
  'REQUEST',
  'REGISTER_CHILD',
  'LIST_CHILDREN',
  'READ_CHILD',
  'UPDATE_CHILD',
  'IMPORT_LEDGER',
  /** Uploading a source file of 四查三比对 (src/finding/sources). */
  'IMPORT_SOURCE',
  'EXPORT_LEDGER',
  // One row per child a write was refused for (src/access/child-writes.ts), beside the request's own row.
  'WRITE_REFUSED',
  // Sessions (src/api/auth/sessions.ts): a refresh, a log-out, a password changed by its owner.
  'REFRESH',
  'LOGOUT',
  'CHANGE_PASSWORD',
  // Account administration (src/accounts): what changed is in the row's detail, never a password.
  'LIST_ACCOUNTS',
  'READ_ACCOUNT',
  'CREATE_ACCOUNT',
  'UPDATE_ACCOUNT',
  'RESET_PASSWORD',
  // A request answered again from its Idempotency-Key's stored answer (detail.replayOf: the kind it repeats).
  'REPLAY',
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

/**
 * One request someone made (migration 1764547200000-audit-log): append-only, a trigger refuses
 * UPDATE, DELETE and TRUNCATE. Constraint and index names match the migration.
 */
@Entity({ name: 'audit_log' })
@Index('audit_log_case_id_idx', ['caseId', 'at'])
@Index('audit_log_username_idx', ['username', 'at'])
// Migration 1767400000000: the page's order (town, at DESC, id DESC), by kind, and a BRIN on at.
@Index('audit_log_town_at_id_idx', ['town', 'at', 'id'])
@Index('audit_log_town_what_at_idx', ['town', 'what', 'at', 'id'])
// A BRIN index TypeORM cannot describe: synchronize leaves it to the migration.
@Index('audit_log_at_brin', { synchronize: false })
@Index('audit_log_child_id_idx', ['childId', 'at'])
@Check('audit_log_what_check', `what ~ '^[A-Z][A-Z_]*$'`)
@Check('audit_log_status_check', 'status BETWEEN 100 AND 599')
export class AuditEntryEntity {
  /** bigint, as a string: the order of writing. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ type: 'timestamptz', default: () => 'clock_timestamp()' })
  at!: Date;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'audit_log_user_id_fkey' })
  user?: UserEntity;

  @Column({ type: 'text', nullable: true })
  username!: string | null;

  /** The user's town; null for a request without a log-in. The leading group reads its own town's rows. */
  @Column({ type: 'text', nullable: true })
  town!: string | null;

  @Column({ type: 'text', nullable: true })
  role!: string | null;

  @Column({ type: 'text', nullable: true })
  ip!: string | null;

  @Column({ type: 'text' })
  method!: string;

  @Column({ type: 'text' })
  path!: string;

  @Column({ type: 'text' })
  what!: AuditKind;

  @Column({ name: 'case_id', type: 'uuid', nullable: true })
  caseId!: string | null;

  @Column({ name: 'child_id', type: 'uuid', nullable: true })
  childId!: string | null;

  @Column({ type: 'integer' })
  status!: number;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  detail!: Record<string, unknown>;
}
