/**
 * Decompression bombs built in the test (never committed): a real .xlsx whose sheet XML is
 * replaced by megabytes of one repeated row, deflated about 500:1 or better (the file is well under 1 MB). `declare` sets the
 * unpacked size the zip directory claims (default the truth; a small one is the bomb that lies).
 */
import { createDeflateRaw, crc32 } from 'node:zlib';
import { checkZipDirectory } from '../../src/ledger/zip-bounds';
import { ledgerXlsx } from './ledger-files';

export interface BombSpec {
  /** Bytes of sheet XML the file unpacks to (default 450 MB, as in issue 16). */
  unpackedBytes?: number;
  /** The unpacked size the directory declares (default the true one). */
  declare?: (trueSize: number) => number;
}

/** Row n: one long cell (a reader that gets this far holds it all); a repeat every 3 bytes deflates near deflate's best (about 1000:1). */
const TEXT = '控'.repeat(30_000);
const row = (n: number) => `<row r="${n}"><c r="A${n}" t="inlineStr"><is><t>${TEXT}</t></is></c></row>`;

export async function xlsxBomb(spec: BombSpec = {}): Promise<Buffer> {
  const target = spec.unpackedBytes ?? 450 * 1024 * 1024;
  const base = await ledgerXlsx({ count: 1 });
  const { entries } = checkZipDirectory(base, { maxUnpackedBytes: Number.MAX_SAFE_INTEGER });
  const files = entries.map((e) => {
    const start = e.localOffset + 30 + base.readUInt16LE(e.localOffset + 26) + base.readUInt16LE(e.localOffset + 28);
    return { name: e.name, method: e.method, crc: 0, size: e.declaredSize, data: base.subarray(start, start + e.compressedSize), crcKnown: false };
  });
  const sheet = files.find((f) => /^xl\/worksheets\/sheet\d+\.xml$/.test(f.name))!;
  const head = Buffer.from('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>');
  const tail = Buffer.from('</sheetData></worksheet>');
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (d: Buffer) => out.push(d));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  let size = 0;
  let crc = 0;
  const write = async (b: Buffer) => {
    size += b.length;
    crc = crc32(b, crc);
    if (!deflate.write(b)) await new Promise((resolve) => deflate.once('drain', resolve));
  };
  await write(head);
  for (let n = 1; size + tail.length < target; n++) await write(Buffer.from(row(n)));
  await write(tail);
  deflate.end();
  await done;
  Object.assign(sheet, { method: 8, crc: crc >>> 0, crcKnown: true, size, data: Buffer.concat(out) });
  return zip(files.map((f) => ({ ...f, declared: f === sheet ? (spec.declare?.(size) ?? size) : f.size })), base);
}

function zip(files: Array<{ name: string; method: number; crc: number; crcKnown: boolean; size: number; declared: number; data: Buffer }>, base: Buffer): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name, 'utf8');
    // The CRC of an untouched entry is the original's (from its central directory entry).
    const crc = f.crcKnown ? f.crc : originalCrc(base, f.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(f.method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(f.data.length, 18);
    local.writeUInt32LE(f.declared, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(f.method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(f.data.length, 20);
    central.writeUInt32LE(f.declared, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, f.data);
    centrals.push(central, name);
    offset += 30 + name.length + f.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

function originalCrc(base: Buffer, name: string): number {
  let at = base.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  while (at >= 0) {
    const nameLength = base.readUInt16LE(at + 28);
    if (base.subarray(at + 46, at + 46 + nameLength).toString('utf8') === name) return base.readUInt32LE(at + 16);
    at = base.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), at + 46);
  }
  throw new Error(`no ${name}`);
}
