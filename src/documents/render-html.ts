/**
 * The printable HTML of a document: one self-contained page (inline CSS, no scripts, no external
 * fonts or images), A4 with print margins, the same text as the PDF (both render the stored
 * snapshot). The browser's own CJK font prints it (系统字体).
 */
import type { DocumentContent } from './compose-document';
import { DOCUMENT_KIND_LABELS } from './document-kinds';

const STYLE = `
@page { size: A4; margin: 25mm 25mm 25mm 25mm; }
* { box-sizing: border-box; }
body { margin: 0; color: #000; background: #fff; font-family: "Noto Sans SC", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "SimSun", sans-serif; font-size: 14pt; line-height: 1.75; }
main { max-width: 160mm; margin: 0 auto; padding: 10mm 0; }
.office { color: #c00000; font-size: 24pt; font-weight: 700; text-align: center; letter-spacing: 0.1em; margin: 0; }
.number { text-align: center; font-size: 12pt; margin: 6mm 0 2mm; }
.rule { border: 0; border-top: 2px solid #c00000; margin: 0 0 8mm; }
h1 { font-size: 18pt; text-align: center; margin: 0 0 6mm; }
p { margin: 0 0 2mm; }
p.body, p.closing { text-indent: 2em; text-align: justify; }
table { width: 100%; border-collapse: collapse; margin: 4mm 0; font-size: 12pt; }
th, td { border: 1px solid #000; padding: 2mm 3mm; vertical-align: top; text-align: left; }
th { width: 32mm; font-weight: 400; }
.sign { text-align: right; margin-top: 12mm; padding-right: 6mm; }
.seal { color: #c00000; font-size: 11pt; }
.footnote { font-size: 10pt; color: #555; margin-top: 8mm; }
.issued-by { font-size: 9pt; color: #555; }
@media print { main { padding: 0; max-width: none; } }
`;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

export function renderDocumentHtml(c: DocumentContent): string {
  const e = escapeHtml;
  const fields = c.fields?.length
    ? `<table>${c.fields.map((f) => `<tr><th scope="row">${e(f.label)}</th><td>${e(f.value)}</td></tr>`).join('')}</table>`
    : '';
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${e(DOCUMENT_KIND_LABELS[c.kind].zh)} ${e(c.number)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<p class="office">${e(c.office)}</p>
<p class="number">${e(c.number)}</p>
<hr class="rule">
<h1>${e(c.title)}</h1>
${c.recipient ? `<p class="recipient">${e(c.recipient)}</p>` : ''}
${c.paragraphs.map((p) => `<p class="body">${e(p)}</p>`).join('\n')}
${fields}
${c.closing ? `<p class="closing">${e(c.closing)}</p>` : ''}
<div class="sign">
<p>${e(c.office)}</p>
<p>${e(c.date)}</p>
<p class="seal">${e(c.seal)}</p>
</div>
${c.footnote ? `<p class="footnote">${e(c.footnote)}</p>` : ''}
<p class="issued-by">保学系统制发：${e(c.issuedBy)}</p>
</main>
</body>
</html>
`;
}
