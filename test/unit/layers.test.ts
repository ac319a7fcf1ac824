/**
 * Layer rules, read off the imports: access rules (src/access) sit below the HTTP layer, and the
 * read model, the registry, the ledger and the dashboard's queries take them from there, never
 * from src/api/auth (an import that runs back up the layers).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(__dirname, '..', '..', 'src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import of a file, as a path under src (no extension). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/from\s+'(\.{1,2}\/[^']+)'/g)].map((m) => relative(SRC, resolve(dirname(file), m[1])));
}

describe('layers', () => {
  it('src/access imports nothing from the API, the read model or the infrastructure', () => {
    const offending = tsFiles(join(SRC, 'access')).flatMap((file) =>
      importsOf(file)
        .filter((target) => /^(api|read-model|temporal|infra|ledger|registry|dashboard)\//.test(target))
        .map((target) => `${relative(SRC, file)} → ${target}`),
    );
    expect(offending).toEqual([]);
  });

  it.each(['read-model', 'registry', 'ledger', 'workflows', 'documents'])('src/%s takes its access rules from src/access, not from the API', (folder) => {
    const offending = tsFiles(join(SRC, folder)).flatMap((file) =>
      importsOf(file)
        .filter((target) => target.startsWith('api/auth/'))
        .map((target) => `${relative(SRC, file)} → ${target}`),
    );
    expect(offending).toEqual([]);
  });

  it("the dashboard's queries take their scope from src/access", () => {
    expect(importsOf(join(SRC, 'dashboard', 'dashboard-queries.ts')).filter((t) => t.startsWith('api/'))).toEqual([]);
  });
});
