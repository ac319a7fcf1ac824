/* The API calls of the case page. */
import { api, requestId } from '../shell/core.js';

export const getCase = (id) => api(`/api/cases/${encodeURIComponent(id)}`);

/** One action on the case, with its own Idempotency-Key (sent again with the same key after a re-log-in). */
export const act = (id, body) => api(`/api/cases/${encodeURIComponent(id)}/actions`, { method: 'POST', body, headers: { 'Idempotency-Key': requestId() } });

export const listDocuments = (id) => api(`/api/cases/${encodeURIComponent(id)}/documents`);
export const issueDocument = (id, kind) => api(`/api/cases/${encodeURIComponent(id)}/documents`, { method: 'POST', body: { kind } });
/** The printable HTML of a document, as text, for the preview. */
export const documentHtml = async (path) => (await api(path, { raw: true, headers: { accept: 'text/html' } })).text();

/** Who answers for the case now: its open tasks, each with its holder and the link of the chain (GET /api/responsibility/cases/:id). */
export const responsibility = (id) => api(`/api/responsibility/cases/${encodeURIComponent(id)}`);
