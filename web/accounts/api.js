/* The API calls of account administration (/api/accounts, TOWN_ADMIN) and of the own password. */
import { api, adoptSession } from '../shell/core.js';

const query = (filters) => {
  const params = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== undefined && v !== ''));
  return params.toString() ? `?${params}` : '';
};

/** The town's accounts, with the chain posts nobody active holds (GET /api/accounts). */
export const listAccounts = (filters) => api(`/api/accounts${query(filters)}`);

export const readAccount = (id) => api(`/api/accounts/${encodeURIComponent(id)}`);

/** 201 { account, oneTimePassword }. No Idempotency-Key: an answer holding a password is never stored. */
export const createAccount = (body) => api('/api/accounts', { method: 'POST', body });

export const updateAccount = (id, body) => api(`/api/accounts/${encodeURIComponent(id)}`, { method: 'PATCH', body });

/** { account, oneTimePassword }: every session of the account ends. */
export const resetPassword = (id) => api(`/api/accounts/${encodeURIComponent(id)}/password-reset`, { method: 'POST' });

/** The own password (POST /api/auth/password): the answer is this session's new token pair, adopted at once. */
export async function changeOwnPassword(oldPassword, newPassword) {
  const answer = await api('/api/auth/password', { method: 'POST', body: { oldPassword, newPassword } });
  adoptSession(answer);
  return answer;
}
