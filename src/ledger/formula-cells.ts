/**
 * CSV injection (OWASP, "CSV Injection"): a cell whose text begins with = + - @, a tab or a
 * carriage return becomes a formula when someone edits it in Excel, or saves the sheet as CSV and
 * opens it again. The export writes such text with a single quote in front (OWASP's advice), which
 * keeps it text everywhere; the import takes exactly one such quote off again, so an exported
 * ledger imports back unchanged. Text that already begins with quotes before one of those
 * characters gets one more, so the pair of functions gives back every value exactly.
 */
const NEEDS_QUOTE = /^'*[=+\-@\t\r]/;
const QUOTED = /^'+[=+\-@\t\r]/;

/** The text as the export writes it into a cell. */
export function neutraliseFormula(text: string): string {
  return NEEDS_QUOTE.test(text) ? `'${text}` : text;
}

/** The text of an imported cell, with the export's quote taken off. */
export function restoreFormula(text: string): string {
  return QUOTED.test(text) ? text.slice(1) : text;
}
