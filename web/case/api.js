/* The API calls of the case page. */
import { api, requestId } from '../shell/core.js';

export const getCase = (id) => api(`/api/cases/${encodeURIComponent(id)}`);

/** One action on the case, with its own Idempotency-Key (sent again with the same key after a re-log-in). */
export const act = (id, body) => api(`/api/cases/${encodeURIComponent(id)}/actions`, { method: 'POST', body, headers: { 'Idempotency-Key': requestId() } });
