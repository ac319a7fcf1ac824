import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Policy } from '../../workflows/policy';

/** Every policy version a case was started with, kept so a case's windows can be explained later. */
@Entity({ name: 'policies' })
export class PolicyEntity {
  @PrimaryColumn({ type: 'text' })
  version!: string;

  @Column({ type: 'jsonb' })
  body!: Policy;

  @Column({ name: 'first_seen_at', type: 'timestamptz', default: () => 'now()' })
  firstSeenAt!: Date;
}
