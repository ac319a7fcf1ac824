/* The API calls of the ledger (台账): the import as a job, its progress and report, and the export. */
import { api, download } from '../shell/core.js';

/**
 * Uploads the file (multipart field "file"); 202 with the job. dryRun: check and count, write
 * nothing; reopenClosedCases: open a new case for a child whose case was closed (销号);
 * goodRowsOnly: import the good rows, report the bad ones.
 */
export function startImport(file, { dryRun, reopenClosedCases, goodRowsOnly = false }) {
  const form = new FormData();
  form.append('file', file, file.name);
  const query = new URLSearchParams({ dryRun: String(dryRun), reopenClosedCases: String(reopenClosedCases), goodRowsOnly: String(goodRowsOnly) });
  return api(`/api/ledger/import?${query}`, { method: 'POST', body: form });
}

/** The job: status, progress { phase, done, total }, and once finished the report or the error. */
export const readImport = (id) => api(`/api/ledger/imports/${encodeURIComponent(id)}`);

/** The town's ledger in the user's scope as .xlsx (two sheets), saved by the browser. */
export const downloadLedger = () => download('/api/ledger/export');
