/** `'A', 'B'` for an SQL IN list of known constants (never user input). */
export function sqlList(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}
