// Reads a PDF from stdin and prints { text, pages } as JSON: unpdf (pdf.js) is an ES module that
// jest's CommonJS runtime cannot import, so test/support/pdf-text.ts runs it in its own process.
import { extractText, getDocumentProxy } from 'unpdf';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const doc = await getDocumentProxy(new Uint8Array(Buffer.concat(chunks)));
const { text, totalPages } = await extractText(doc, { mergePages: true });
process.stdout.write(JSON.stringify({ text, pages: totalPages }));
