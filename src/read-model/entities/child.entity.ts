import { Check, Column, Entity, Index, OneToMany, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { GuardianEntity } from './guardian.entity';

/** A child of compulsory-education age (grades 1-9). Personal data: it never leaves the read model for Temporal. */
@Entity({ name: 'children' })
@Check('children_name_check', `btrim(name) <> ''`)
@Check('children_id_number_check', `id_number ~ '^[1-9][0-9]{16}[0-9X]$'`)
@Check('children_sex_check', `sex IN ('M', 'F')`)
@Check('children_grade_check', `grade BETWEEN 1 AND 9`)
@Check('children_town_check', `town ~ '^[A-Z][A-Z0-9_]*$'`)
@Unique('children_town_id_number_key', ['town', 'idNumber'])
@Unique('children_id_town_key', ['id', 'town'])
@Index('children_town_area_idx', ['town', 'area'])
@Index('children_town_school_grade_idx', ['town', 'school', 'grade'])
export class ChildEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  /** Town code (towns/*.json): the registry this child is on. */
  @Column({ type: 'text' })
  town!: string;

  /** National ID number (GB 11643), 18 characters, unique within the town. */
  @Column({ name: 'id_number', type: 'text' })
  idNumber!: string;

  /** YYYY-MM-DD. */
  @Column({ name: 'birth_date', type: 'date' })
  birthDate!: string;

  @Column({ type: 'text' })
  sex!: 'M' | 'F';

  /** School code from the town file. */
  @Column({ type: 'text' })
  school!: string;

  @Column({ type: 'integer' })
  grade!: number;

  @Column({ name: 'class_name', type: 'text' })
  className!: string;

  /** Responsibility area code from the town file. */
  @Column({ type: 'text' })
  area!: string;

  /** 村民小组, free text as the village writes it (for 包组 routing). */
  @Column({ name: 'villager_group', type: 'text', nullable: true })
  villagerGroup!: string | null;

  /** 残疾儿童. */
  @Column({ name: 'is_disabled', type: 'boolean', default: false })
  isDisabled!: boolean;

  /** 残疾人子女. */
  @Column({ name: 'has_disabled_parent', type: 'boolean', default: false })
  hasDisabledParent!: boolean;

  /** 留守儿童. */
  @Column({ name: 'is_left_behind', type: 'boolean', default: false })
  isLeftBehind!: boolean;

  /** 建档立卡贫困户. */
  @Column({ name: 'is_registered_poor', type: 'boolean', default: false })
  isRegisteredPoor!: boolean;

  /** The other watch groups (migration 1767000000001): 孤儿, 事实无人抚养, 困境, 流动, 涉诉. */
  @Column({ name: 'is_orphan', type: 'boolean', default: false })
  isOrphan!: boolean;

  @Column({ name: 'is_unattended', type: 'boolean', default: false })
  isUnattended!: boolean;

  @Column({ name: 'is_in_hardship', type: 'boolean', default: false })
  isInHardship!: boolean;

  @Column({ name: 'is_migrant', type: 'boolean', default: false })
  isMigrant!: boolean;

  @Column({ name: 'is_court_involved', type: 'boolean', default: false })
  isCourtInvolved!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @OneToMany(() => GuardianEntity, (guardian) => guardian.child)
  guardians?: GuardianEntity[];
}
