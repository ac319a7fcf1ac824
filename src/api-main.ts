/** `npm run start:api`: the HTTP API alone (a worker runs elsewhere on the same task queue). */
import 'reflect-metadata';
import { runEntryPoint } from './entry-point';

void runEntryPoint({ api: true, worker: false });
