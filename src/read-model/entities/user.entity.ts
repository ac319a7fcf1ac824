import { Check, Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { ROLES } from '../../access/roles';
import type { Role } from '../../access/roles';
import { sqlList } from './sql-list';

/**
 * An account (migration 1764460800000-users): the role and the place it is bound to. Accounts are
 * deactivated, never deleted (the audit log refers to them). Constraint names match the migration.
 */
@Entity({ name: 'users' })
@Unique('users_username_key', ['username'])
@Check('users_username_check', `username ~ '^[a-z0-9][a-z0-9._-]{0,49}$'`)
@Check('users_display_name_check', `btrim(display_name) <> ''`)
@Check('users_password_hash_check', `password_hash LIKE '$argon2id$%'`)
@Check('users_role_check', `role IN (${sqlList(ROLES)})`)
@Check('users_grade_check', 'grade BETWEEN 1 AND 9')
@Check('users_town_check', `town ~ '^[A-Z][A-Z0-9_]*$'`)
@Check('users_phone_check', `phone ~ '^1[3-9][0-9]{9}$'`)
@Check('users_wecom_user_id_check', `wecom_user_id ~ '^[A-Za-z0-9._@-]{1,64}$'`)
@Check('users_place_matches_role', 'a principal has a school, a teacher school + grade + class, a village role an area')
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Lower case: letters, digits, . _ - */
  @Column({ type: 'text' })
  username!: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName!: string;

  /** argon2id, PHC string. */
  @Column({ name: 'password_hash', type: 'text' })
  passwordHash!: string;

  @Column({ type: 'text' })
  role!: Role;

  /** Town code: the user reads and acts on this town's records only. */
  @Column({ type: 'text' })
  town!: string;

  /** Area code (village roles). */
  @Column({ type: 'text', nullable: true })
  area!: string | null;

  /** School code (principal, teacher). */
  @Column({ type: 'text', nullable: true })
  school!: string | null;

  @Column({ type: 'integer', nullable: true })
  grade!: number | null;

  @Column({ name: 'class_name', type: 'text', nullable: true })
  className!: string | null;

  /** Mainland mobile number for SMS notifications (migration 1768000000000); kept by the town administrator. */
  @Column({ type: 'text', nullable: true })
  phone!: string | null;

  /** 企业微信 userid for WeCom notifications (migration 1768000000000). */
  @Column({ name: 'wecom_user_id', type: 'text', nullable: true })
  wecomUserId!: string | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** A demo account (migration 1766300000000): made by the demo seeding, never a real person's. */
  @Column({ type: 'boolean', default: false })
  demo!: boolean;

  /** Set when an administrator gave a one-time password: only the password change works until it is changed. */
  @Column({ name: 'must_change_password', type: 'boolean', default: false })
  mustChangePassword!: boolean;

  /** Access tokens issued before it are refused (migration 1766600000000). */
  @Column({ name: 'password_changed_at', type: 'timestamptz', nullable: true })
  passwordChangedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
