/* The API calls of 审计记录 (the audit log, for the leading group). */
import { api } from '../shell/core.js';

/** One page of the audit log, newest first (GET /api/audit), filtered by user name, kind, case, child. */
export const auditLog = (filters, page = 1) => {
  const query = new URLSearchParams({ ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)), page: String(page), pageSize: '20' });
  return api(`/api/audit?${query}`);
};
