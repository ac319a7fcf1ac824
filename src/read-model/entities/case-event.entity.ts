import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { STAGES } from '../../workflows/vocabulary';
import type { CaseEventType, Stage } from '../../workflows/vocabulary';
import { sqlList } from './sql-list';
import { CaseEntity } from './case.entity';

/**
 * The timeline: append-only (a trigger refuses UPDATE, DELETE and TRUNCATE). The schema comes from
 * the migration; these decorators describe it (names match, so TypeORM sees no difference).
 */
@Entity({ name: 'case_events' })
@Unique('case_events_case_seq_key', ['caseId', 'seq'])
// Stage changes by time (returns, closings, endings per month): the dashboard's trend and the monthly report.
@Index('case_events_stage_changes_idx', ['occurredAt'], { where: 'stage_before <> stage_after' })
@Check('case_events_seq_check', 'seq >= 1')
@Check('case_events_stage_before_check', `stage_before IN (${sqlList(STAGES)})`)
@Check('case_events_stage_after_check', `stage_after IN (${sqlList(STAGES)})`)
@Check('case_events_id_is_case_and_seq', `id = case_id::text || ':' || seq::text`)
export class CaseEventEntity {
  /** `${caseId}:${seq}`. */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @ManyToOne(() => CaseEntity)
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'case_events_case_id_fkey' })
  case?: CaseEntity;

  @Column({ type: 'integer' })
  seq!: number;

  @Column({ type: 'text' })
  type!: CaseEventType;

  @Column({ type: 'boolean' })
  automatic!: boolean;

  @Column({ type: 'text' })
  actor!: string;

  @Column({ type: 'text', default: '' })
  reason!: string;

  @Column({ name: 'stage_before', type: 'text' })
  stageBefore!: Stage;

  @Column({ name: 'stage_after', type: 'text' })
  stageAfter!: Stage;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt!: Date;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  data!: Record<string, unknown>;
}
