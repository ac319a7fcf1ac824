/**
 * Account administration for a town's administrator (TOWN_ADMIN): the accounts of their own town
 * only (another town's account does not exist for them: 404). Create with a one-time password,
 * edit role, place and name, switch off and on, reset the password to a new one-time one. A
 * one-time password must be changed at the next log-in (users.must_change_password); a reset or a
 * deactivation ends every session of the account at once. An administrator cannot switch off
 * their own account or drop their own role: the town would be left without one.
 *
 * The role's place is kept as the role needs it (a principal's school, a class teacher's school,
 * grade and class, a village role's area) and nothing else: fields the role does not use are
 * stored empty, so a role change never leaves a stale scope behind.
 */
import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { UserEntity } from '../read-model/entities';
import type { Towns, Town } from '../read-model/town';
import { TOWNS } from '../api/tokens';
import { ApiError } from '../api/errors';
import type { AuthUser } from '../api/auth/auth-user';
import { hashPassword } from '../api/auth/passwords';
import { oneTimePassword } from '../api/auth/password-rule';
import { SessionStore } from '../api/auth/sessions';
import { normaliseUsername } from '../api/auth/user-store';
import { isUuid } from '../read-model/uuid';
import { ROLE_LABELS, Role } from '../access/roles';
import { maskPhone } from '../access/masking';
import type { ResponsibilityDirectory } from '../responsibility/directory';
import { ChainPost, chainPosts } from './chain-posts';
import type { AccountDto, AccountListDto, CreateAccountRequestDto, ListAccountsQueryDto, UpdateAccountRequestDto } from './accounts.dtos';

/** The responsibility chains, when the deployment loaded them (the accounts pages show the posts). */
export const ACCOUNT_CHAINS = Symbol('ACCOUNT_CHAINS');

export interface AccountPlace {
  area: string | null;
  school: string | null;
  grade: number | null;
  className: string | null;
}

/** What changed, for the audit row: field → [before, after]. Never a password. */
export type AccountChanges = Record<string, [unknown, unknown]>;

@Injectable()
export class AccountsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: SessionStore,
    @Inject(TOWNS) private readonly towns: Towns,
    @Optional() @Inject(ACCOUNT_CHAINS) private readonly chains?: ResponsibilityDirectory,
  ) {}

  async list(admin: AuthUser, query: ListAccountsQueryDto): Promise<AccountListDto> {
    const q = this.dataSource.getRepository(UserEntity).createQueryBuilder('u').where('u.town = :town', { town: admin.town });
    if (query.role !== undefined) q.andWhere('u.role = :role', { role: query.role });
    if (query.active !== undefined) q.andWhere('u.active = :active', { active: query.active });
    if (query.q) {
      const like = `%${query.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q.andWhere('(u.username ILIKE :like OR u.display_name ILIKE :like)', { like });
    }
    const rows = await q.orderBy('u.active', 'DESC').addOrderBy('u.role').addOrderBy('u.username').getMany();
    const posts = this.postsOf(admin.town);
    const activeNames = new Set(
      ((await this.dataSource.query(`SELECT username FROM users WHERE town = $1 AND active`, [admin.town])) as Array<{ username: string }>).map((r) => r.username),
    );
    return {
      items: rows.map((row) => present(row, posts)),
      total: rows.length,
      vacantPosts: posts.filter((p) => !activeNames.has(p.username)).map(({ username, post, label }) => ({ username, post, label })),
    };
  }

  async read(admin: AuthUser, id: string): Promise<AccountDto> {
    return present(await this.find(this.dataSource.manager, admin, id), this.postsOf(admin.town));
  }

  async create(admin: AuthUser, body: CreateAccountRequestDto): Promise<{ account: AccountDto; oneTimePassword: string; changes: AccountChanges }> {
    const town = this.towns.get(admin.town);
    const username = normaliseUsername(body.username);
    const place = placeFor(body.role, body, town);
    const password = oneTimePassword();
    const passwordHash = await hashPassword(password);
    // An account a demo administrator makes belongs to the demo town (demo seeding refuses a database with real accounts).
    const demo = (await this.dataSource.getRepository(UserEntity).findOne({ where: { id: admin.id } }))?.demo ?? false;
    const inserted = await this.dataSource
      .getRepository(UserEntity)
      .createQueryBuilder()
      .insert()
      .values({ username, displayName: body.displayName.trim(), role: body.role, town: admin.town, ...place, ...contactOf(body), passwordHash, mustChangePassword: true, demo })
      .orIgnore()
      .returning('id')
      .execute();
    const id = (inserted.raw as Array<{ id: string }>)[0]?.id;
    if (!id) throw new ApiError('ACCOUNT.USERNAME_TAKEN', { details: { field: 'username', username } });
    const row = await this.dataSource.getRepository(UserEntity).findOneOrFail({ where: { id } });
    const changes: AccountChanges = { username: [null, username], displayName: [null, row.displayName], role: [null, row.role], ...placeChanges(emptyPlace(), place) };
    if (row.phone) changes.phone = [null, maskedPhone(row.phone)];
    if (row.wecomUserId) changes.wecomUserId = [null, row.wecomUserId];
    return { account: present(row, this.postsOf(admin.town)), oneTimePassword: password, changes };
  }

  async update(admin: AuthUser, id: string, body: UpdateAccountRequestDto): Promise<{ account: AccountDto; changes: AccountChanges; sessionsEnded: number }> {
    const town = this.towns.get(admin.town);
    return this.dataSource.transaction(async (m) => {
      const row = await this.find(m, admin, id, true);
      const role = body.role ?? row.role;
      if (row.id === admin.id && (role !== row.role || body.active === false)) throw new ApiError('ACCOUNT.OWN_ACCOUNT');
      // The place given, over the place kept; then only what the (new) role uses.
      const merged = {
        area: body.area !== undefined ? body.area : row.area,
        school: body.school !== undefined ? body.school : row.school,
        grade: body.grade !== undefined ? body.grade : row.grade,
        className: body.className !== undefined ? body.className : row.className,
      };
      const place = placeFor(role, merged, town);
      const contact = {
        phone: body.phone !== undefined ? body.phone : row.phone,
        wecomUserId: body.wecomUserId !== undefined ? body.wecomUserId : row.wecomUserId,
      };
      const next = { displayName: body.displayName?.trim() ?? row.displayName, role, active: body.active ?? row.active, ...place, ...contact };
      const changes: AccountChanges = {};
      for (const key of Object.keys(next) as Array<keyof typeof next>) {
        if (row[key] !== next[key]) changes[key] = key === 'phone' ? [maskedPhone(row.phone), maskedPhone(next.phone)] : [row[key], next[key]];
      }
      let sessionsEnded = 0;
      if (Object.keys(changes).length > 0) {
        await m.getRepository(UserEntity).update({ id: row.id }, { ...next, updatedAt: () => 'now()' });
        // Switched off: its refresh tokens go now (its access tokens are refused by the guard already).
        if (changes.active && next.active === false) sessionsEnded = await this.sessions.revokeAllOf(row.id, 'DEACTIVATED', m);
      }
      const updated = await m.getRepository(UserEntity).findOneOrFail({ where: { id: row.id } });
      return { account: present(updated, this.postsOf(admin.town)), changes, sessionsEnded };
    });
  }

  /** A new one-time password: the old one stops working, every session of the account ends, the next log-in must change it. */
  async resetPassword(admin: AuthUser, id: string): Promise<{ account: AccountDto; oneTimePassword: string; sessionsEnded: number }> {
    const password = oneTimePassword();
    const passwordHash = await hashPassword(password);
    return this.dataSource.transaction(async (m) => {
      const row = await this.find(m, admin, id, true);
      if (row.id === admin.id) throw new ApiError('ACCOUNT.OWN_ACCOUNT');
      await m.query(
        `UPDATE users SET password_hash = $2, must_change_password = true, password_changed_at = date_trunc('second', now()), updated_at = now() WHERE id = $1`,
        [row.id, passwordHash],
      );
      const sessionsEnded = await this.sessions.revokeAllOf(row.id, 'PASSWORD_CHANGED', m);
      const updated = await m.getRepository(UserEntity).findOneOrFail({ where: { id: row.id } });
      return { account: present(updated, this.postsOf(admin.town)), oneTimePassword: password, sessionsEnded };
    });
  }

  private async find(m: EntityManager, admin: AuthUser, id: string, lock = false): Promise<UserEntity> {
    if (!isUuid(id)) throw new ApiError('ACCOUNT.NOT_FOUND');
    const q = m.getRepository(UserEntity).createQueryBuilder('u').where('u.id = :id AND u.town = :town', { id, town: admin.town });
    if (lock) q.setLock('pessimistic_write');
    const row = await q.getOne();
    if (!row) throw new ApiError('ACCOUNT.NOT_FOUND');
    return row;
  }

  private postsOf(townCode: string): Array<ChainPost & { username: string }> {
    const chains = this.chains?.chainsFor(townCode);
    return chains && chains.town === townCode ? chainPosts(chains, this.towns.get(townCode)) : [];
  }
}

/** Where notifications go, as given (absent: none). */
function contactOf(body: { phone?: string | null; wecomUserId?: string | null }): { phone: string | null; wecomUserId: string | null } {
  return { phone: body.phone ?? null, wecomUserId: body.wecomUserId ?? null };
}

/** A number in the audit log: 138****8000 (the audit is read by more people than the number is for). */
function maskedPhone(phone: string | null): string | null {
  return phone ? maskPhone(phone) : null;
}

function emptyPlace(): AccountPlace {
  return { area: null, school: null, grade: null, className: null };
}

/** The place the role needs, checked against the town; what the role does not use is dropped. */
export function placeFor(role: Role, given: Partial<AccountPlace>, town: Town): AccountPlace {
  const place = emptyPlace();
  const missing: string[] = [];
  const needsArea = role === 'VILLAGE_SECRETARY' || role === 'VILLAGE_CADRE';
  const needsSchool = role === 'PRINCIPAL' || role === 'TEACHER';
  if (needsArea) {
    if (!given.area) missing.push('area');
    else {
      const area = town.area(given.area);
      if (!area) throw new ApiError('AREA.UNKNOWN', { zh: `本镇没有责任区"${given.area}"`, en: `No area "${given.area}" in the town`, details: { field: 'area', known: town.areas.map((a) => a.code) } });
      place.area = area.code;
    }
  }
  if (needsSchool) {
    if (!given.school) missing.push('school');
    else {
      const school = town.school(given.school);
      if (!school) throw new ApiError('SCHOOL.UNKNOWN', { zh: `本镇没有学校"${given.school}"`, en: `No school "${given.school}" in the town`, details: { field: 'school', known: town.schools.map((s) => s.code) } });
      place.school = school.code;
    }
  }
  if (role === 'TEACHER') {
    if (given.grade === null || given.grade === undefined) missing.push('grade');
    else place.grade = given.grade;
    if (!given.className?.trim()) missing.push('className');
    else place.className = given.className.trim();
  }
  if (missing.length > 0) {
    const label = ROLE_LABELS[role];
    const names: Record<string, string> = { area: '责任区', school: '学校', grade: '年级', className: '班级' };
    throw new ApiError('ACCOUNT.PLACE_REQUIRED', {
      zh: `岗位"${label.zh}"须填写：${missing.map((f) => names[f]).join('、')}`,
      en: `The role ${role} needs: ${missing.join(', ')}`,
      details: { role, missing },
    });
  }
  return place;
}

function placeChanges(before: AccountPlace, after: AccountPlace): AccountChanges {
  const out: AccountChanges = {};
  for (const key of Object.keys(after) as Array<keyof AccountPlace>) if (before[key] !== after[key]) out[key] = [before[key], after[key]];
  return out;
}

export function present(row: UserEntity, posts: Array<ChainPost & { username: string }>): AccountDto {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    role: row.role,
    roleLabel: ROLE_LABELS[row.role],
    town: row.town,
    area: row.area,
    school: row.school,
    grade: row.grade,
    className: row.className,
    phone: row.phone,
    wecomUserId: row.wecomUserId,
    active: row.active,
    mustChangePassword: row.mustChangePassword,
    demo: row.demo,
    posts: posts.filter((p) => p.username === row.username).map(({ post, label }) => ({ post, label })),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
