/**
 * `npm start`: API and worker in one process. Without DATABASE_URL and TEMPORAL_ADDRESS it starts
 * an embedded PostgreSQL and a Temporal dev server under BAOXUE_DATA_DIR, so a fresh machine
 * needs nothing installed by hand and cases survive a restart.
 */
import 'reflect-metadata';
import { runEntryPoint } from './entry-point';

void runEntryPoint({ api: true, worker: true });
