import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from './user.entity';

/** One ledger import that wrote something (migration 1764800000002-imports). */
@Entity({ name: 'imports' })
@Index('imports_town_at_idx', ['town', 'at'])
@Check('imports_town_check', `town ~ '^[A-Z][A-Z0-9_]*$'`)
@Check('imports_via_check', `via IN ('API', 'CLI')`)
@Check('imports_file_hash_check', `file_hash ~ '^[0-9a-f]{64}$'`)
export class ImportEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  town!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at!: Date;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'imports_user_id_fkey' })
  user?: UserEntity;

  /** The account's user name, or `cli:<operator>` for the command line. */
  @Column({ type: 'text' })
  username!: string;

  @Column({ type: 'text' })
  via!: 'API' | 'CLI';

  @Column({ name: 'file_name', type: 'text' })
  fileName!: string;

  /** SHA-256 of the file, hex. */
  @Column({ name: 'file_hash', type: 'text' })
  fileHash!: string;

  @Column({ name: 'good_rows_only', type: 'boolean' })
  goodRowsOnly!: boolean;

  @Column({ name: 'total_rows', type: 'integer' })
  totalRows!: number;

  @Column({ name: 'bad_rows', type: 'integer' })
  badRows!: number;

  @Column({ name: 'children_created', type: 'integer' })
  childrenCreated!: number;

  @Column({ name: 'children_updated', type: 'integer' })
  childrenUpdated!: number;

  @Column({ name: 'children_unchanged', type: 'integer' })
  childrenUnchanged!: number;

  @Column({ name: 'cases_opened', type: 'integer' })
  casesOpened!: number;

  @Column({ name: 'cases_already_open', type: 'integer' })
  casesAlreadyOpen!: number;

  @Column({ name: 'cases_failed', type: 'integer' })
  casesFailed!: number;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  problems!: unknown[];
}
