/**
 * Reads and checks a ledger file in a worker thread (node:worker_threads), so the unzipping, the
 * XML and the checks of 50,000 rows never run on the event loop that answers the API and fires
 * the timers. The thread has its own heap limit and a time limit: a file that gets past the
 * bounds (src/ledger/zip-bounds.ts) ends the thread, never the process (issue 16).
 * `readInThread` runs any such reader (a module's exported function of a town, the file and the
 * limits, with options that cross as data): the ledger's here, the four sources' in src/finding/sources.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Town, TownData } from '../read-model/town';
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

/** A reader the thread can load: a module (its __filename) and the name of its exported function. */
export interface ThreadReader {
  file: string;
  name: string;
}

/** The ledger's own reader. */
const LEDGER_READER: ThreadReader = { file: require.resolve('./import-ledger'), name: 'readAndParseLedger' };

interface Job {
  file: string;
  reader: ThreadReader;
  /** The reader's options (plain data). */
  options: unknown;
  /** The town's data (a Town has methods, which do not cross to a thread). */
  town: TownData;
  fileName: string;
  bytes: Uint8Array;
  limits: ReadLimits;
}

type Answer =
  | { ok: true; parsed: unknown }
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
  return readInThread<ParsedLedger>(LEDGER_READER, undefined, town, fileName, bytes, limits, thread);
}

/** Runs `reader(town, fileName, bytes, limits, options)` in a worker thread, under the thread's limits. */
export function readInThread<T>(reader: ThreadReader, options: unknown, town: Town, fileName: string, bytes: Buffer, limits: ReadLimits, thread: ThreadLimits = DEFAULT_THREAD_LIMITS): Promise<T> {
  return new Promise((resolve, reject) => {
    const job: Job = { file: __filename, reader, options, town: town.data, fileName, bytes: new Uint8Array(bytes), limits };
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
    worker.on('message', (answer: Answer) => settle(() => (answer.ok ? resolve(answer.parsed as T) : reject(errorOf(answer)))));
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
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const read = require(job.reader.file)[job.reader.name] as (town: Town, fileName: string, bytes: Buffer, limits: ReadLimits, options: unknown) => Promise<unknown>;
    return { ok: true, parsed: await read(new Town(job.town), job.fileName, Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength), job.limits, job.options) };
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
