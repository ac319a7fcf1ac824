/**
 * Reads and checks a ledger file in a worker thread (node:worker_threads), so the unzipping, the
 * XML and the checks of 50,000 rows never run on the event loop that answers the API and fires
 * the timers. The thread has its own heap limit and a time limit: a file that gets past the
 * bounds (src/ledger/zip-bounds.ts) ends the thread, never the process (issue 16).
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Town, TownData } from '../read-model/town';
import { readAndParseLedger } from './import-ledger';
import { LedgerLayoutError, ParsedLedger } from './parse-ledger';
import { ReadLimits, UnsupportedLedgerFileError } from './read-sheet';
import { LedgerTooLargeError } from './zip-bounds';

export interface ThreadLimits {
  /** The thread's old-generation heap (default 768 MB). */
  maxHeapMb: number;
  /** The longest a read may take (default 5 minutes). */
  timeoutMs: number;
}

export const DEFAULT_THREAD_LIMITS: ThreadLimits = { maxHeapMb: 768, timeoutMs: 5 * 60_000 };

interface Job {
  file: string;
  /** The town's data (a Town has methods, which do not cross to a thread). */
  town: TownData;
  fileName: string;
  bytes: Uint8Array;
  limits: ReadLimits;
}

type Answer =
  | { ok: true; parsed: ParsedLedger }
  | { ok: false; kind: 'TOO_LARGE'; reason: 'UNPACKED' | 'ROWS'; zh: string; en: string; details: Record<string, unknown> }
  | { ok: false; kind: 'UNSUPPORTED'; zh: string; en: string }
  | { ok: false; kind: 'LAYOUT'; zh: string; en: string; details: Record<string, unknown> }
  | { ok: false; kind: 'OTHER'; en: string };

/**
 * The thread's entry: jest and scripts/run-ts.js run the sources (.ts), compiled on require with
 * @swc/core as they do; the product runs dist/ (.js).
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
if (workerData.file.endsWith('.ts')) {
  const fs = require('node:fs');
  const { transformSync } = require('@swc/core');
  require.extensions['.ts'] = (module, filename) => {
    const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
      filename,
      jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' },
      module: { type: 'commonjs' },
    });
    module._compile(code, filename);
  };
}
require(workerData.file);
`;

export function readAndParseInThread(town: Town, fileName: string, bytes: Buffer, limits: ReadLimits, thread: ThreadLimits = DEFAULT_THREAD_LIMITS): Promise<ParsedLedger> {
  return new Promise((resolve, reject) => {
    const job: Job = { file: __filename, town: town.data, fileName, bytes: new Uint8Array(bytes), limits };
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: job, resourceLimits: { maxOldGenerationSizeMb: thread.maxHeapMb } });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      void worker.terminate();
    };
    const timer = setTimeout(() => settle(() => reject(LedgerTooLargeError.unpacked(limits.maxUnpackedBytes))), thread.timeoutMs);
    worker.on('message', (answer: Answer) => settle(() => (answer.ok ? resolve(answer.parsed) : reject(errorOf(answer)))));
    worker.on('error', (err: Error & { code?: string }) =>
      // Out of its heap: the file needs more than any ledger does.
      settle(() => reject(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? LedgerTooLargeError.unpacked(limits.maxUnpackedBytes) : err)),
    );
    worker.on('exit', (code) => settle(() => reject(new Error(`the ledger reader thread stopped (exit code ${code})`))));
  });
}

function errorOf(answer: Exclude<Answer, { ok: true }>): Error {
  switch (answer.kind) {
    case 'TOO_LARGE':
      return new LedgerTooLargeError(answer.reason, answer.zh, answer.en, answer.details);
    case 'UNSUPPORTED':
      return new UnsupportedLedgerFileError(answer.zh, answer.en);
    case 'LAYOUT':
      return new LedgerLayoutError(answer.zh, answer.en, answer.details);
    default:
      return new Error(answer.en);
  }
}

async function runInThread(job: Job): Promise<Answer> {
  try {
    return { ok: true, parsed: await readAndParseLedger(new Town(job.town), job.fileName, Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength), job.limits) };
  } catch (err) {
    if (err instanceof LedgerTooLargeError) return { ok: false, kind: 'TOO_LARGE', reason: err.reason, zh: err.zh, en: err.message, details: err.details };
    if (err instanceof UnsupportedLedgerFileError) return { ok: false, kind: 'UNSUPPORTED', zh: err.zh, en: err.message };
    if (err instanceof LedgerLayoutError) return { ok: false, kind: 'LAYOUT', zh: err.zh, en: err.message, details: err.details };
    return { ok: false, kind: 'OTHER', en: (err as Error).message };
  }
}

if (!isMainThread && (workerData as Job | undefined)?.file === __filename) {
  void runInThread(workerData as Job).then((answer) => parentPort!.postMessage(answer));
}
