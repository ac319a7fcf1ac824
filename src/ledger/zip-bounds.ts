/**
 * An .xlsx is a zip: 1 MB of it can unpack to gigabytes of sheet XML (a decompression bomb,
 * issue 16). Before anything parses it, its central directory is read (the declared unpacked
 * sizes, refused over the bound at once), the local entries are checked to be exactly the
 * directory's, one after the other (so a streaming reader sees nothing the directory hides), and
 * every entry is inflated once with its bytes counted, stopping at the bound: declared sizes lie.
 */
import { createInflateRaw } from 'node:zlib';
import { UnsupportedLedgerFileError } from './read-sheet';

export interface ReadLimits {
  /** Unpacked bytes of all entries of an .xlsx together. */
  maxUnpackedBytes: number;
  /** Data rows of a file. */
  maxRows: number;
}

/** The file is larger than the limits allow (unpacked, or in rows): refused, nothing read further. */
export class LedgerTooLargeError extends Error {
  constructor(
    readonly reason: 'UNPACKED' | 'ROWS',
    readonly zh: string,
    en: string,
    readonly details: Record<string, unknown>,
  ) {
    super(en);
    this.name = 'LedgerTooLargeError';
  }

  static unpacked(limit: number, declared?: number): LedgerTooLargeError {
    const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;
    return new LedgerTooLargeError(
      'UNPACKED',
      `文件解压后过大（超过 ${mb(limit)}），未导入；台账文件不会这么大，请检查文件，或分成几个文件导入`,
      `The file unpacks to more than ${mb(limit)}; not imported. A ledger is never that large: check the file, or split it`,
      { maxUnpackedBytes: limit, ...(declared !== undefined ? { declaredUnpackedBytes: declared } : {}) },
    );
  }

  static rows(limit: number, rows?: number): LedgerTooLargeError {
    return new LedgerTooLargeError(
      'ROWS',
      `文件行数过多（超过 ${limit} 行），未导入；请分成几个文件导入`,
      `The file has more than ${limit} rows; not imported. Split it into several files`,
      { maxRows: limit, ...(rows !== undefined ? { rows } : {}) },
    );
  }
}

interface ZipEntryInfo {
  name: string;
  flags: number;
  method: number;
  compressedSize: number;
  declaredSize: number;
  localOffset: number;
}

/** More entries than any workbook has: a directory of a million empty entries is a bomb of its own. */
const MAX_ENTRIES = 10_000;

const damaged = () => new UnsupportedLedgerFileError('该文件不是有效的 .xlsx 文件（可能已损坏）', 'The file is not a valid .xlsx file (it may be damaged)');

/** The central directory's entries; refuses at once when their declared unpacked sizes exceed the bound. Cheap: reads the directory only. */
export function checkZipDirectory(bytes: Buffer, limits: Pick<ReadLimits, 'maxUnpackedBytes'>): { entries: ZipEntryInfo[]; directoryOffset: number } {
  const eocd = findEndOfDirectory(bytes);
  if (eocd < 0) throw damaged();
  const count = bytes.readUInt16LE(eocd + 10);
  const directorySize = bytes.readUInt32LE(eocd + 12);
  const directoryOffset = bytes.readUInt32LE(eocd + 16);
  // ZIP64 markers: no ledger needs more than 65,535 entries or 4 GB.
  if (count === 0xffff || directoryOffset === 0xffffffff || directorySize === 0xffffffff) throw LedgerTooLargeError.unpacked(limits.maxUnpackedBytes);
  if (count > MAX_ENTRIES || directoryOffset + directorySize > eocd) throw damaged();
  const entries: ZipEntryInfo[] = [];
  let at = directoryOffset;
  let declared = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== 0x02014b50) throw damaged();
    const nameLength = bytes.readUInt16LE(at + 28);
    const entry: ZipEntryInfo = {
      flags: bytes.readUInt16LE(at + 8),
      method: bytes.readUInt16LE(at + 10),
      compressedSize: bytes.readUInt32LE(at + 20),
      declaredSize: bytes.readUInt32LE(at + 24),
      localOffset: bytes.readUInt32LE(at + 42),
      name: bytes.subarray(at + 46, at + 46 + nameLength).toString('utf8'),
    };
    if (entry.declaredSize === 0xffffffff || entry.compressedSize === 0xffffffff) throw LedgerTooLargeError.unpacked(limits.maxUnpackedBytes);
    declared += entry.declaredSize;
    entries.push(entry);
    at += 46 + nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
  }
  if (declared > limits.maxUnpackedBytes) throw LedgerTooLargeError.unpacked(limits.maxUnpackedBytes, declared);
  return { entries, directoryOffset };
}

/**
 * The whole check: the directory, the entries laid out one after the other as a streaming reader
 * reads them, and each inflated with its output counted (never kept), stopping at the bound.
 */
export async function checkXlsxBounds(bytes: Buffer, limits: Pick<ReadLimits, 'maxUnpackedBytes'>): Promise<void> {
  const { entries, directoryOffset } = checkZipDirectory(bytes, limits);
  let position = 0;
  let unpacked = 0;
  for (const entry of [...entries].sort((a, b) => a.localOffset - b.localOffset)) {
    if (entry.localOffset !== position || position + 30 > bytes.length || bytes.readUInt32LE(position) !== 0x04034b50) throw damaged();
    const start = position + 30 + bytes.readUInt16LE(position + 26) + bytes.readUInt16LE(position + 28);
    const end = start + entry.compressedSize;
    if (end > directoryOffset) throw damaged();
    const data = bytes.subarray(start, end);
    if (entry.method === 0) {
      unpacked += data.length;
      if (unpacked > limits.maxUnpackedBytes) throw LedgerTooLargeError.unpacked(limits.maxUnpackedBytes);
    } else if (entry.method === 8) {
      const size = await inflatedSize(data, limits.maxUnpackedBytes - unpacked);
      if (size === undefined) throw LedgerTooLargeError.unpacked(limits.maxUnpackedBytes);
      unpacked += size;
    } else {
      throw damaged();
    }
    position = end;
    if (entry.flags & 0x08) position += bytes.length >= position + 4 && bytes.readUInt32LE(position) === 0x08074b50 ? 16 : 12; // data descriptor
  }
  if (position !== directoryOffset) throw damaged();
}

/** Bytes `data` inflates to, or undefined as soon as they pass `budget` (the rest is never inflated). */
function inflatedSize(data: Buffer, budget: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const inflate = createInflateRaw();
    let size = 0;
    let settled = false;
    const settle = (value: number | undefined, err?: Error) => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve(value);
    };
    inflate.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > budget) {
        settle(undefined);
        inflate.destroy();
      }
    });
    inflate.on('end', () => settle(size));
    inflate.on('error', () => settle(undefined, damaged()));
    inflate.end(data);
  });
}

function findEndOfDirectory(bytes: Buffer): number {
  const stop = Math.max(0, bytes.length - 22 - 0xffff);
  for (let at = bytes.length - 22; at >= stop; at--) {
    if (bytes.readUInt32LE(at) === 0x06054b50) return at;
  }
  return -1;
}
