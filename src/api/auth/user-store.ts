/** The users table, as the API reads it. Accounts are written by the demo seeding (and by SQL). */
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { UserEntity } from '../../read-model/entities';
import { isUuid } from '../../read-model/uuid';

/** What the users table accepts as a user name (the same rule as its CHECK constraint). */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,49}$/;

/** User names are case-insensitive: stored in lower case, typed in any case. */
export function normaliseUsername(value: string): string {
  return value.trim().toLowerCase();
}

@Injectable()
export class UserStore {
  constructor(private readonly dataSource: DataSource) {}

  async findByUsername(username: string): Promise<UserEntity | null> {
    const name = normaliseUsername(username);
    if (!USERNAME_PATTERN.test(name)) return null;
    return this.dataSource.getRepository(UserEntity).findOne({ where: { username: name } });
  }

  /** The user behind a token, if the account still exists and is active. */
  async findActive(id: string): Promise<UserEntity | null> {
    if (!isUuid(id)) return null;
    return this.dataSource.getRepository(UserEntity).findOne({ where: { id, active: true } });
  }
}
