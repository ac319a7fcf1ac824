/**
 * What a PDF says, read back as a reader would (unpdf's text extraction, pdf.js inside), and the
 * names of the fonts it embeds.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const READER = resolve(__dirname, 'pdf-text-reader.mjs');

/** The text of every page (pages joined), read in a child process (pdf.js is ESM-only; jest runs CommonJS). */
export function pdfText(pdf: Buffer): Promise<{ text: string; pages: number }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [READER], { cwd: resolve(__dirname, '..', '..'), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`pdf text reader failed (${code}): ${err}`));
      resolvePromise(JSON.parse(out) as { text: string; pages: number });
    });
    child.stdin.end(pdf);
  });
}

/** The /BaseFont names of the fonts the PDF embeds, e.g. ABCDEF+NotoSansSC-Regular (subset tag first). */
export function pdfFontNames(pdf: Buffer): string[] {
  const names = [...pdf.toString('latin1').matchAll(/\/BaseFont\s*\/([^\s/<>[\]()]+)/g)].map((m) => m[1]);
  return [...new Set(names)];
}

/** A supertest parser that keeps a binary answer (PDF, ZIP) as a Buffer: `.buffer(true).parse(binaryBody)`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- superagent hands its raw response stream to parsers
export function binaryBody(res: any, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}
