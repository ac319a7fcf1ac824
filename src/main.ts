/**
 * `npm start`: API and worker in one process, under a supervisor that restarts it when it dies
 * (src/supervisor.ts; BAOXUE_SUPERVISE=false runs it without). Without DATABASE_URL and
 * TEMPORAL_ADDRESS it starts an embedded PostgreSQL and a Temporal dev server under
 * BAOXUE_DATA_DIR, so a fresh machine needs nothing installed by hand and cases survive a restart.
 */
import 'reflect-metadata';
import { runEntryPoint } from './entry-point';
import { supervise, SUPERVISED_CHILD_ENV } from './supervisor';

const help = process.argv.includes('--help') || process.argv.includes('-h');
if (help || process.env[SUPERVISED_CHILD_ENV] === '1' || process.env.BAOXUE_SUPERVISE === 'false') {
  // A supervisor that is gone (even by SIGKILL) closes the channel: stop as on Ctrl-C, never run on unsupervised.
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  void runEntryPoint({ api: true, worker: true });
} else {
  supervise({ script: __filename, args: process.argv.slice(2) });
}
