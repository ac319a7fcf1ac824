/**
 * Ledger imports over HTTP are jobs (src/api/ledger/import-jobs.ts): POST answers 202 with the job
 * and its Location; the job is polled until it is done or failed.
 *
 *   const job = await importThroughJob(coordinator, file, 'taizhang.xlsx');
 *   expect(job).toMatchObject({ status: 'done', report: { counts: { created: 12 } } });
 */
import type { ImportJobView } from '../../src/api/ledger/import-jobs';
import type { AsUser } from './auth';

export async function submitImport(user: AsUser, file: Buffer, name: string, query = ''): Promise<ImportJobView> {
  const posted = await user.post(`/api/ledger/import${query}`).attach('file', file, name);
  if (posted.status !== 202) throw new Error(`POST /api/ledger/import answered ${posted.status}, not 202: ${JSON.stringify(posted.body)}`);
  if (posted.headers.location !== `/api/ledger/imports/${posted.body.id}`) throw new Error(`Location ${posted.headers.location} does not name job ${posted.body.id}`);
  return posted.body as ImportJobView;
}

export async function waitForImportJob(user: AsUser, id: string, timeoutMs = 120_000): Promise<ImportJobView> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await user.get(`/api/ledger/imports/${id}`);
    if (res.status !== 200) throw new Error(`GET /api/ledger/imports/${id} answered ${res.status}: ${JSON.stringify(res.body)}`);
    const job = res.body as ImportJobView;
    if (job.status === 'done' || job.status === 'failed') return job;
    if (Date.now() > until) throw new Error(`import job ${id} still ${job.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Submits the file and waits for the job's end. */
export async function importThroughJob(user: AsUser, file: Buffer, name: string, query = ''): Promise<ImportJobView> {
  return waitForImportJob(user, (await submitImport(user, file, name, query)).id);
}
