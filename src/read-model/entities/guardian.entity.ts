import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { ChildEntity } from './child.entity';

@Entity({ name: 'guardians' })
@Check('guardians_name_check', `btrim(name) <> ''`)
export class GuardianEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('guardians_child_id_idx')
  @Column({ name: 'child_id', type: 'uuid' })
  childId!: string;

  @ManyToOne('ChildEntity', (child: ChildEntity) => child.guardians, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'child_id', foreignKeyConstraintName: 'guardians_child_id_fkey' })
  child?: ChildEntity;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  phone!: string;

  /** 父亲, 母亲, 祖父母, ... as reported. */
  @Column({ type: 'text' })
  relation!: string;
}
