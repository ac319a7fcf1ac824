/* The API calls of 我的待办 (my tasks) and the coordinator's town-wide list. */
import { api, requestId } from '../shell/core.js';

const query = (filters) =>
  Object.entries(filters)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `&${k}=${encodeURIComponent(v)}`)
    .join('');

/** My open tasks, overdue first (GET /api/me/tasks), filtered by stage, area, overdue, due by a day. */
export const myTasks = (filters, page = 1) => api(`/api/me/tasks?page=${page}&pageSize=50${query(filters)}`);

/** The town's open cases in my scope (GET /api/cases?open=true), same filters but due-by. */
export const openCases = (filters, page = 1) => api(`/api/cases?open=true&page=${page}&pageSize=50${query({ stage: filters.stage, area: filters.area, overdue: filters.overdue })}`);

/** REASSIGN of one case: its open tasks go to `assignee`. */
export const reassign = (caseId, assignee, reason) =>
  api(`/api/cases/${encodeURIComponent(caseId)}/actions`, { method: 'POST', body: { type: 'REASSIGN', assignee, reason }, headers: { 'Idempotency-Key': requestId() } });
