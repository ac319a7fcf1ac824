import { Check, Column, Entity, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import { GuardianEntity } from './guardian.entity';

/** A child of compulsory-education age (grades 1-9). Personal data: it never leaves the read model for Temporal. */
@Entity({ name: 'children' })
@Check('children_name_check', `btrim(name) <> ''`)
@Check('children_id_number_check', `id_number ~ '^[1-9][0-9]{16}[0-9X]$'`)
@Check('children_sex_check', `sex IN ('M', 'F')`)
@Check('children_grade_check', `grade BETWEEN 1 AND 9`)
export class ChildEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  /** National ID number (GB 11643), 18 characters, unique. */
  @Column({ name: 'id_number', type: 'text', unique: true })
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

  /** 村民小组 (villager group), for 包组 routing; null when not on record. */
  @Column({ name: 'villager_group', type: 'text', nullable: true })
  villagerGroup!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @OneToMany(() => GuardianEntity, (guardian) => guardian.child)
  guardians?: GuardianEntity[];
}
