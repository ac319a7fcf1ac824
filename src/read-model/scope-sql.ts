/**
 * A user's read scope (src/access/permissions.ts `caseScope`) as a SQL condition on a cases row,
 * for the hand-written queries of the dashboard and the reports. The twin of `applyScope` in
 * case-queries.ts (which works on a query builder with the child joined); the class scope looks
 * the child up itself, so a query need not join children.
 */
import type { CaseScope } from '../access/permissions';

/**
 * Returns a condition on the cases alias `c`, appending its values to `params` (positional
 * parameters, $n counted from the current length). With `childAlias`, the query has the child
 * joined (or is on children itself, alias = childAlias) and the class scope reads it there.
 */
export function caseScopeSql(scope: CaseScope | undefined, params: unknown[], alias = 'c', childAlias?: string): string {
  const add = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (scope === undefined) return 'true';
  switch (scope.kind) {
    case 'ALL':
      return 'true';
    case 'NONE':
      return 'false';
    case 'AREA':
      return `${alias}.area = ${add(scope.area)}`;
    case 'SCHOOL':
      return `${alias}.school = ${add(scope.school)}`;
    case 'CLASS':
      if (childAlias) return `(${alias}.school = ${add(scope.school)} AND ${childAlias}.grade = ${add(scope.grade)} AND ${childAlias}.class_name = ${add(scope.className)})`;
      return `(${alias}.school = ${add(scope.school)} AND EXISTS (SELECT 1 FROM children sc WHERE sc.id = ${alias}.child_id AND sc.grade = ${add(scope.grade)} AND sc.class_name = ${add(scope.className)}))`;
    case 'STAGES':
      return `${alias}.stage = ANY(${add([...scope.stages])}::text[])`;
  }
}
