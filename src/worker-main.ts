/** `npm run start:worker`: the Temporal worker alone; run as many as the load needs. */
import 'reflect-metadata';
import { runEntryPoint } from './entry-point';

void runEntryPoint({ api: false, worker: true });
