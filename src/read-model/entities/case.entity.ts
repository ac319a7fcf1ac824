import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { CAUSES, CHAIN_STAGES, ENDINGS, STAGES } from '../../workflows/vocabulary';
import type { ActionType, Cause, ChainStage, Stage } from '../../workflows/vocabulary';
import type { SupportHold } from '../../workflows/messages';
import { sqlList } from './sql-list';
import { ChildEntity } from './child.entity';

/**
 * One row per case: the latest snapshot the workflow projected (never an older one: last_seq only
 * grows). The API writes the first row when the case is reported, before the workflow starts.
 */
@Entity({ name: 'cases' })
@Index('cases_one_open_case_per_child', ['childId'], { unique: true, where: 'open' })
@Index('cases_area_deadline_idx', ['area', 'nextDeadlineAt'])
@Index('cases_school_deadline_idx', ['school', 'nextDeadlineAt'])
@Index('cases_stage_deadline_idx', ['stage', 'nextDeadlineAt'])
@Index('cases_town_deadline_idx', ['town', 'nextDeadlineAt'])
@Check('cases_town_check', `town ~ '^[A-Z][A-Z0-9_]*$'`)
@Index('cases_overdue_idx', ['nextDeadlineAt'], { where: 'open AND NOT paused' })
// The dashboard's (migration 1765000000000): the live version, months opened and ended, open cases by town, area and stage.
@Index('cases_updated_at_idx', ['updatedAt'])
@Index('cases_opened_at_idx', ['openedAt'])
@Index('cases_ended_at_idx', ['endedAt'], { where: 'ended_at IS NOT NULL' })
@Index('cases_open_area_stage_idx', ['town', 'area', 'stage', 'paused', 'nextDeadlineAt', 'stageEnteredAt', 'actionDueAt', 'windowEndsAt'], { where: 'open' })
@Index('cases_town_overdue_idx', ['town', 'nextDeadlineAt'], { where: 'open AND NOT paused' })
@Check('cases_cause_check', `cause IN (${sqlList(CAUSES)})`)
@Check('cases_stage_check', `stage IN (${sqlList(STAGES)})`)
@Check('cases_returned_from_check', `returned_from IN (${sqlList(CHAIN_STAGES)})`)
@Check('cases_last_seq_check', 'last_seq >= 0')
@Check('cases_open_matches_stage', `open = (stage NOT IN (${sqlList(ENDINGS)}))`)
export class CaseEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Index('cases_child_id_idx')
  @Column({ name: 'child_id', type: 'uuid' })
  childId!: string;

  @ManyToOne(() => ChildEntity)
  @JoinColumn({ name: 'child_id', foreignKeyConstraintName: 'cases_child_id_fkey' })
  child?: ChildEntity;

  /** Town code: always the child's town (foreign key cases_child_town_fkey). */
  @Column({ type: 'text' })
  town!: string;

  /** The same child, by id and town: the foreign key that keeps a case in its child's town. Load `child` instead. */
  @ManyToOne(() => ChildEntity)
  @JoinColumn([
    { name: 'child_id', referencedColumnName: 'id', foreignKeyConstraintName: 'cases_child_town_fkey' },
    { name: 'town', referencedColumnName: 'town', foreignKeyConstraintName: 'cases_child_town_fkey' },
  ])
  childInTown?: ChildEntity;

  @Column({ type: 'text' })
  cause!: Cause;

  @Column({ type: 'text' })
  area!: string;

  @Column({ type: 'text' })
  school!: string;

  @Column({ type: 'text' })
  stage!: Stage;

  @Column({ type: 'boolean', default: true })
  open!: boolean;

  @Column({ type: 'boolean', default: false })
  paused!: boolean;

  @Column({ name: 'paused_at', type: 'timestamptz', nullable: true })
  pausedAt!: Date | null;

  /** Null until the workflow first projects the case. */
  @Column({ name: 'policy_version', type: 'text', nullable: true })
  policyVersion!: string | null;

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt!: Date;

  @Column({ name: 'opened_by', type: 'text' })
  openedBy!: string;

  @Column({ name: 'stage_entered_at', type: 'timestamptz' })
  stageEnteredAt!: Date;

  @Column({ name: 'action_due_at', type: 'timestamptz', nullable: true })
  actionDueAt!: Date | null;

  @Column({ name: 'window_ends_at', type: 'timestamptz', nullable: true })
  windowEndsAt!: Date | null;

  @Index('cases_next_deadline_idx')
  @Column({ name: 'next_deadline_at', type: 'timestamptz', nullable: true })
  nextDeadlineAt!: Date | null;

  @Column({ name: 'returned_from', type: 'text', nullable: true })
  returnedFrom!: ChainStage | null;

  @Column({ name: 'follow_up_completed', type: 'boolean', default: false })
  followUpCompleted!: boolean;

  @Column({ type: 'text', nullable: true })
  assignee!: string | null;

  @Column({ name: 'allowed_actions', type: 'text', array: true, default: () => "'{}'" })
  allowedActions!: ActionType[];

  @Column({ name: 'last_seq', type: 'integer', default: 0 })
  lastSeq!: number;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  /** The support-before-sanction hold while it lasts (the snapshot's heldForSupport), else null. */
  @Column({ name: 'held_for_support', type: 'jsonb', nullable: true })
  heldForSupport!: SupportHold | null;

  /** The town asked to take the case over while it has not answered (src/transfers, migration 1768030000000). */
  @Column({ name: 'transfer_pending_to', type: 'text', nullable: true })
  transferPendingTo!: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
