/* The API calls of 四查三比对 (the cross-check's lists, ledgers and tasks): /api/finding. */
import { api, requestId } from '../shell/core.js';

const query = (filters) =>
  Object.entries(filters)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `&${k}=${encodeURIComponent(v)}`)
    .join('');

export const findingVocabulary = () => api('/api/finding/vocabulary');
export const items = (filters, page = 1) => api(`/api/finding/items?page=${page}&pageSize=50${query(filters)}`);
export const item = (id) => api(`/api/finding/items/${encodeURIComponent(id)}`);
export const confirmItem = (id, body) => api(`/api/finding/items/${encodeURIComponent(id)}/confirm`, { method: 'POST', body, headers: body.dryRun ? {} : { 'Idempotency-Key': requestId() } });
export const clearItem = (id, body) => api(`/api/finding/items/${encodeURIComponent(id)}/clear`, { method: 'POST', body, headers: { 'Idempotency-Key': requestId() } });
export const ledger = (code, filters, page = 1) => api(`/api/finding/ledgers/${encodeURIComponent(code)}?page=${page}&pageSize=50${query(filters)}`);
export const movements = (childId) => api(`/api/finding/children/${encodeURIComponent(childId)}/movements`);
export const figures = () => api('/api/finding/figures');
export const myFindingTasks = () => api('/api/finding/tasks');
export const runs = () => api('/api/finding/runs');
export const startCrossCheck = () => api('/api/finding/cross-check', { method: 'POST', body: {}, headers: { 'Idempotency-Key': requestId() } });
