/* The API calls of the four sources (四查名单): the import as a job, its progress and report, the versions, the town's schools. */
import { api } from '../shell/core.js';

/** Uploads the file (multipart field "file") for its kind and school; 202 with the job (or the earlier import of the same file). */
export function startSourceImport(file, { kind, school, dryRun }) {
  const form = new FormData();
  form.append('file', file, file.name);
  const query = new URLSearchParams({ kind, dryRun: String(dryRun), ...(school ? { school } : {}) });
  return api(`/api/sources/import?${query}`, { method: 'POST', body: form });
}

/** The job: status, progress { phase, done, total }, and once finished the report or the error. */
export const readSourceImport = (id) => api(`/api/sources/imports/${encodeURIComponent(id)}`);

/** The versions imported (who, when, which file), newest first. */
export const listVersions = () => api('/api/sources/imports');

/** The town's schools (for the school of a roll or attendance file). */
export const currentTown = () => api('/api/towns/current');
