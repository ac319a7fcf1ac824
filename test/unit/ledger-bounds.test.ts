/**
 * The ledger file's bounds (issue 16, decompression bombs), without a database: an .xlsx that
 * declares a huge unpacked size is refused from its zip directory alone; one that lies about it
 * is stopped while inflating, at the bound; rows over the bound are refused; a normal file reads.
 */
import { readAndParseLedger } from '../../src/ledger/import-ledger';
import { readAndParseInThread } from '../../src/ledger/read-in-thread';
import { readLedgerFile } from '../../src/ledger/read-sheet';
import { checkXlsxBounds, checkZipDirectory, LedgerTooLargeError } from '../../src/ledger/zip-bounds';
import { loadTown } from '../../src/read-model/town';
import { xlsxBomb } from '../support/ledger-bombs';
import { ledgerCsv, ledgerXlsx } from '../support/ledger-files';

const town = loadTown();
const LIMITS = { maxUnpackedBytes: 100 * 1024 * 1024, maxRows: 50_000 };
let bomb: Buffer;
let liar: Buffer;

beforeAll(async () => {
  bomb = await xlsxBomb();
  liar = await xlsxBomb({ declare: () => 4096 });
  console.log(`bomb: ${(bomb.length / 1024).toFixed(0)} KB unpacking to 450 MB (${Math.round((450 * 1024 * 1024) / bomb.length)}:1)`);
}, 60_000);

const refusal = async (run: () => Promise<unknown>) => {
  try {
    await run();
  } catch (err) {
    return err as LedgerTooLargeError;
  }
  throw new Error('not refused');
};

describe('an .xlsx decompression bomb', () => {
  it('is refused from its zip directory, before anything is inflated', async () => {
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const started = performance.now();
    const err = await refusal(async () => checkZipDirectory(bomb, LIMITS));
    expect(performance.now() - started).toBeLessThan(100);
    expect(err).toBeInstanceOf(LedgerTooLargeError);
    expect(err).toMatchObject({ reason: 'UNPACKED', zh: expect.stringMatching(/^文件解压后过大/), details: { maxUnpackedBytes: LIMITS.maxUnpackedBytes } });
    expect((await refusal(() => readAndParseLedger(town, 'bomb.xlsx', bomb, LIMITS))).reason).toBe('UNPACKED');
  });

  it('that declares a small size is stopped while inflating, at the bound, in bounded memory', async () => {
    expect(() => checkZipDirectory(liar, LIMITS)).not.toThrow();
    const rss = process.memoryUsage().rss;
    const started = performance.now();
    const err = await refusal(() => readLedgerFile('liar.xlsx', liar, LIMITS));
    const ms = performance.now() - started;
    const grew = (process.memoryUsage().rss - rss) / 1024 / 1024;
    console.log(`lying bomb refused in ${ms.toFixed(0)} ms, RSS +${grew.toFixed(0)} MB`);
    expect(err).toMatchObject({ reason: 'UNPACKED' });
    expect(ms).toBeLessThan(10_000);
    expect(grew).toBeLessThan(200);
  });
});

describe('the worker thread that reads a file', () => {
  it('runs out of its own heap, not the process’s, when a file gets past the bounds (here set far too high)', async () => {
    const started = performance.now();
    const err = await refusal(() => readAndParseInThread(town, 'bomb.xlsx', bomb, { maxUnpackedBytes: 1024 * 1024 * 1024, maxRows: 1_000_000 }, { maxHeapMb: 64, timeoutMs: 60_000 }));
    console.log(`the thread ran out of its 64 MB heap after ${(performance.now() - started).toFixed(0)} ms`);
    expect(err).toBeInstanceOf(LedgerTooLargeError);
    expect(err.reason).toBe('UNPACKED');
  }, 90_000);

  it('answers a normal file as the reader here does', async () => {
    const parsed = await readAndParseInThread(town, 'ok.xlsx', await ledgerXlsx({ count: 30 }), LIMITS);
    expect(parsed).toMatchObject({ totalRows: 30, badRows: 0 });
    expect(parsed.rows).toHaveLength(30);
  });
});

describe('the row bound', () => {
  it('refuses a file of more data rows than the bound, and reads one of exactly the bound', async () => {
    const limits = { ...LIMITS, maxRows: 100 };
    const over = await refusal(() => readAndParseLedger(town, 'big.csv', Buffer.from(ledgerCsv({ count: 101 })), limits));
    expect(over).toMatchObject({ reason: 'ROWS', zh: expect.stringMatching(/超过 100 行/), details: { maxRows: 100 } });
    expect((await refusal(() => readAndParseLedger(town, 'big.csv', Buffer.from(ledgerCsv({ count: 500 })), limits))).reason).toBe('ROWS');
    expect((await refusal(async () => readAndParseLedger(town, 'big.xlsx', await ledgerXlsx({ count: 101, title: '台账' }), limits))).reason).toBe('ROWS');
    expect((await readAndParseLedger(town, 'ok.csv', Buffer.from(ledgerCsv({ count: 100, title: '台账' })), limits)).totalRows).toBe(100);
  });

  it('a normal .xlsx passes the zip checks', async () => {
    await expect(checkXlsxBounds(await ledgerXlsx({ count: 50 }), LIMITS)).resolves.toBeUndefined();
  });
});
