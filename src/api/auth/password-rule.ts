/**
 * The one rule a password a person chooses must meet (own change, first-log-in change), and the
 * one-time passwords an administrator hands out. Long beats clever: 10 characters at least, with
 * a letter and a digit, not the user name, not the old password.
 */
import { randomInt } from 'node:crypto';
import { ApiError } from '../errors';

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;

/** What is wrong with a new password, in Chinese and English; empty when it is good. */
export function passwordProblems(password: string, context: { username: string; oldPassword?: string }): Array<{ zh: string; en: string }> {
  const problems: Array<{ zh: string; en: string }> = [];
  if ([...password].length < MIN_PASSWORD_LENGTH) problems.push({ zh: `至少 ${MIN_PASSWORD_LENGTH} 个字符`, en: `at least ${MIN_PASSWORD_LENGTH} characters` });
  if (password.length > MAX_PASSWORD_LENGTH) problems.push({ zh: `最多 ${MAX_PASSWORD_LENGTH} 个字符`, en: `at most ${MAX_PASSWORD_LENGTH} characters` });
  if (!/\p{L}/u.test(password) || !/\p{Nd}/u.test(password)) problems.push({ zh: '须同时包含字母和数字', en: 'letters and digits both' });
  if (context.username && password.toLowerCase().includes(context.username.toLowerCase())) problems.push({ zh: '不能包含用户名', en: 'not containing the user name' });
  if (context.oldPassword !== undefined && password === context.oldPassword) problems.push({ zh: '不能与原密码相同', en: 'not the old password' });
  return problems;
}

/** 400 AUTH.WEAK_PASSWORD naming every problem, or nothing. */
export function assertStrongPassword(password: string, context: { username: string; oldPassword?: string }): void {
  const problems = passwordProblems(password, context);
  if (problems.length === 0) return;
  throw new ApiError('AUTH.WEAK_PASSWORD', {
    zh: `新密码不符合要求：${problems.map((p) => p.zh).join('；')}`,
    en: `The new password is too weak: ${problems.map((p) => p.en).join('; ')}`,
    details: { field: 'newPassword', problems: problems.map((p) => p.en) },
  });
}

/** No 0/O, 1/l/I: read aloud or copied from a note by hand. */
const ONE_TIME_ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A one-time password: 12 characters (about 69 bits), letters and digits, in groups of 4 for reading out. */
export function oneTimePassword(): string {
  for (;;) {
    const chars = Array.from({ length: 12 }, () => ONE_TIME_ALPHABET[randomInt(ONE_TIME_ALPHABET.length)]).join('');
    if (/\d/.test(chars) && /[a-zA-Z]/.test(chars)) return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
  }
}
