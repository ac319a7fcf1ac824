/* The API calls of the case page. */
import { api } from '../shell/core.js';

/**
 * The case; `savedAt` is set when the answer is the copy the offline worker kept (no network), with
 * when it was kept. Actions go through the offline queue (web/offline/queue.js), which gives each its
 * Idempotency-Key.
 */
export async function getCase(id) {
  const res = await api(`/api/cases/${encodeURIComponent(id)}`, { raw: true });
  return { ...(await res.json()), savedAt: res.headers.get('x-baoxue-saved-at') };
}

export const listDocuments = (id) => api(`/api/cases/${encodeURIComponent(id)}/documents`);
export const issueDocument = (id, kind) => api(`/api/cases/${encodeURIComponent(id)}/documents`, { method: 'POST', body: { kind } });
/** The printable HTML of a document, as text, for the preview. */
export const documentHtml = async (path) => (await api(path, { raw: true, headers: { accept: 'text/html' } })).text();

/** Who answers for the case now: its open tasks, each with its holder and the link of the chain (GET /api/responsibility/cases/:id). */
export const responsibility = (id) => api(`/api/responsibility/cases/${encodeURIComponent(id)}`);
