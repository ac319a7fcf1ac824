/**
 * docker-compose.yml, checked without a Docker engine: against the compose-spec JSON schema
 * (vendored as deploy/compose-spec.json), maintained images with pinned tags only, every setting it
 * names documented in docs/operations.md, and its Temporal setup step run for real against a
 * Temporal dev server with the temporal CLI of vendor/temporal (the CLI admin-tools ships).
 * Where `docker compose` is installed, its own `config` check runs too.
 */
import Ajv from 'ajv';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CORE_SCHEMA, load, mergeTag } from 'js-yaml';
import { Connection } from '@temporalio/client';
import Long from 'long';
import { PROJECT_ROOT } from '../../src/project-root';
import { resolveTemporalBinary } from '../../src/temporal/binaries';
import { RunningDevServer, startTemporalDevServer } from '../../src/temporal/dev-server';
import { checkSearchAttributes } from '../../src/temporal/register-search-attributes';
import { BAOXUE_SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes';

const composeText = readFileSync(join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8');
// Compose files use YAML merge keys (<<: *baoxue-env), which js-yaml 5 reads only when asked.
const compose = load(composeText, { schema: CORE_SCHEMA.withTags(mergeTag) }) as ComposeFile;
const operations = readFileSync(join(PROJECT_ROOT, 'docs', 'operations.md'), 'utf8');
const setupScript = readFileSync(join(PROJECT_ROOT, 'deploy', 'temporal-setup.sh'), 'utf8');

interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, string | number | null>;
  restart?: string;
  depends_on?: Record<string, { condition: string }>;
  entrypoint?: string[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  configs?: Record<string, { file?: string; content?: string }>;
}

/** Services that do their work and exit; the others run for ever. */
const ONE_SHOT = ['temporal-schema', 'temporal-setup'];
/** Images whose makers maintain them (temporalio/auto-setup is deprecated: no new builds). */
const MAINTAINED = ['postgres', 'temporalio/admin-tools', 'temporalio/server', 'temporalio/ui', 'nginx'];

it('validates against the compose-spec schema (and docker compose config where installed)', () => {
  const schema = JSON.parse(readFileSync(join(PROJECT_ROOT, 'deploy', 'compose-spec.json'), 'utf8'));
  // The schema names its draft-07 meta-schema by an https address Ajv does not know: skip checking the schema itself.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, validateSchema: false });
  const validate = ajv.compile(schema);
  const valid = validate(compose);
  expect(validate.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
  // The schema check itself can fail: a service with an unknown key is refused.
  expect(validate({ services: { x: { image: 'postgres:16.9', restrat: 'always' } } })).toBe(false);

  const docker = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
  if (docker.status === 0) {
    const env = { ...process.env, BAOXUE_PAYLOAD_KEYS: 'k1:x', BAOXUE_TOKEN_SECRET: 'x'.repeat(48) };
    execFileSync('docker', ['compose', '-f', join(PROJECT_ROOT, 'docker-compose.yml'), 'config', '--quiet'], { env });
  }
});

it('names only maintained images, each with a pinned version tag', () => {
  const images = Object.entries(compose.services).filter(([, s]) => s.image).map(([name, s]) => [name, s.image!] as const);
  expect(images.length).toBeGreaterThanOrEqual(6);
  for (const [service, image] of images) {
    const [repository, tag] = image.split(':');
    expect({ service, repository, maintained: MAINTAINED.includes(repository) }).toEqual({ service, repository, maintained: true });
    // major.minor(.patch), optionally a variant: not latest, not a bare major that moves.
    expect({ service, tag }).toEqual({ service, tag: expect.stringMatching(/^\d+\.\d+(\.\d+)?(-[a-z0-9.]+)?$/) });
  }
  // The schema tool and the server are one release: admin-tools applies the schema the server needs.
  expect(compose.services['temporal-schema'].image!.split(':')[1]).toBe(compose.services.temporal.image!.split(':')[1]);
  expect(compose.services['temporal-setup'].image).toBe(compose.services['temporal-schema'].image);
  expect(composeText).not.toMatch(/auto-setup/);
});

it('restarts the long-running services, runs the one-shot steps before what needs them', () => {
  for (const [name, service] of Object.entries(compose.services)) {
    expect({ name, restart: service.restart }).toEqual({ name, restart: ONE_SHOT.includes(name) ? expect.stringMatching(/^on-failure/) : 'unless-stopped' });
  }
  expect(compose.services.temporal.depends_on?.['temporal-schema']).toEqual({ condition: 'service_completed_successfully' });
  for (const name of ['api', 'worker']) {
    expect(compose.services[name].depends_on?.['temporal-setup']).toEqual({ condition: 'service_completed_successfully' });
  }
  for (const config of Object.values(compose.configs ?? {})) {
    if (config.file) expect(existsSync(join(PROJECT_ROOT, config.file))).toBe(true);
  }
});

it('documents every setting it names in docs/operations.md', () => {
  const names = new Set<string>();
  for (const service of Object.values(compose.services)) for (const key of Object.keys(service.environment ?? {})) names.add(key);
  for (const match of composeText.matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)) names.add(match[1]);
  expect(names.size).toBeGreaterThan(20);
  const undocumented = [...names].filter((name) => !new RegExp(`\\b${name}\\b`).test(operations));
  expect(undocumented).toEqual([]);
});

describe('the Temporal setup step (deploy/temporal-setup.sh)', () => {
  let temporal: RunningDevServer;
  beforeAll(async () => {
    temporal = await startTemporalDevServer();
  }, 60_000);
  afterAll(() => temporal?.stop());

  it('registers exactly the search attributes of src/temporal/search-attributes.ts', () => {
    const listed = Object.fromEntries(
      [...setupScript.matchAll(/^(Baoxue\w+):(\w+)$/gm)].map(([, name, type]) => [name, type.toUpperCase()]),
    );
    expect(listed).toEqual(Object.fromEntries(Object.entries(BAOXUE_SEARCH_ATTRIBUTES).map(([name, type]) => [name, type.toUpperCase()])));
  });

  it('creates the namespace and the search attributes on a server that has neither, and runs again unchanged', async () => {
    const namespace = 'compose-setup-test';
    const run = () =>
      spawnSync('sh', [join(PROJECT_ROOT, 'deploy', 'temporal-setup.sh')], {
        encoding: 'utf8',
        timeout: 90_000,
        env: { ...process.env, PATH: `${dirname(resolveTemporalBinary('cli').path!)}:${process.env.PATH}`, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: namespace },
      });
    const connection = await Connection.connect({ address: temporal.address });
    try {
      const first = run();
      expect({ status: first.status, stderr: first.stderr }).toEqual({ status: 0, stderr: '' });
      await expect(checkSearchAttributes(connection, namespace)).resolves.toBeUndefined();
      const again = run();
      expect(again.status).toBe(0);
      expect(again.stdout).toMatch(/search attribute BaoxuePaused exists/);
      // What the API and worker do at start instead of registering: a namespace without them is refused, naming the step.
      await connection.workflowService.registerNamespace({ namespace: 'bare', workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(86_400) } });
      await expect(checkSearchAttributes(connection, 'bare')).rejects.toThrow(/temporal-setup/);
    } finally {
      await connection.close();
    }
  }, 120_000);
});
