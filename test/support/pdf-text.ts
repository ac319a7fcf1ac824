/**
 * The text of a PDF, read with unpdf (PDF.js). unpdf loads PDF.js with a dynamic import, which jest's
 * CommonJS sandbox cannot do, so the reading runs in a plain Node process.
 */
import { execFileSync } from 'node:child_process';

const READ = `
  const chunks = [];
  process.stdin.on('data', (c) => chunks.push(c));
  process.stdin.on('end', async () => {
    const { extractText, getDocumentProxy } = await import('unpdf');
    const pdf = await getDocumentProxy(new Uint8Array(Buffer.concat(chunks)));
    process.stdout.write((await extractText(pdf, { mergePages: true })).text);
  });`;

/** The PDF's text, all whitespace removed (PDF text runs split words unpredictably). */
export function pdfText(pdf: Buffer): string {
  return execFileSync(process.execPath, ['-e', READ], { input: pdf, cwd: __dirname, maxBuffer: 64 * 1024 * 1024 }).toString('utf8').replace(/\s+/g, '');
}
