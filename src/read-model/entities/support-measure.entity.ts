import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { CaseEntity } from './case.entity';
import { SUPPORT_MEASURES, SUPPORT_OUTCOMES } from '../../workflows/vocabulary';
import type { SupportMeasure, SupportOutcome } from '../../workflows/vocabulary';
import { sqlList } from './sql-list';

/** A support measure of a case (帮扶措施), as the projection last wrote it (updated_seq only grows). */
@Entity({ name: 'support_measures' })
@Index('support_measures_town_measure_outcome_idx', ['town', 'measure', 'outcome'])
@Check('support_measures_measure_check', `measure IN (${sqlList(SUPPORT_MEASURES)})`)
@Check('support_measures_outcome_check', `outcome IN (${sqlList(SUPPORT_OUTCOMES)})`)
export class SupportMeasureEntity {
  /** The id of the ADD_SUPPORT event that added it: `${caseId}:${seq}`. */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Index('support_measures_case_id_idx')
  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @ManyToOne(() => CaseEntity)
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'support_measures_case_id_fkey' })
  case?: CaseEntity;

  @Column({ type: 'text' })
  town!: string;

  @Column({ type: 'text' })
  measure!: SupportMeasure;

  /** Username of the person in charge. */
  @Column({ type: 'text', nullable: true })
  owner!: string | null;

  @Column({ name: 'due_at', type: 'timestamptz', nullable: true })
  dueAt!: Date | null;

  @Column({ type: 'text' })
  outcome!: SupportOutcome;

  @Column({ name: 'added_at', type: 'timestamptz' })
  addedAt!: Date;

  @Column({ name: 'added_by', type: 'text' })
  addedBy!: string;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  @Column({ name: 'decided_by', type: 'text', nullable: true })
  decidedBy!: string | null;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ name: 'updated_seq', type: 'integer' })
  updatedSeq!: number;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
