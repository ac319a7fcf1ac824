/**
 * Settings from the environment, typed, with defaults. Fails fast: every problem is listed in one
 * error at start-up, so a deployment learns what to fix before anything runs.
 * Only the reading lives here; main.ts wires the values.
 */
import { isAbsolute, resolve } from 'node:path';
import { PROJECT_ROOT } from './project-root';

export interface BaoxueConfig {
  /** HTTP port of the API (`PORT`, default 3000). */
  port: number;
  /** Folder for embedded PostgreSQL / Temporal data (`BAOXUE_DATA_DIR`, default `data`), absolute. */
  dataDir: string;
  /** `DATABASE_URL`; undefined means: start an embedded PostgreSQL under dataDir. */
  databaseUrl?: string;
  /** `TEMPORAL_ADDRESS` (host:port); undefined means: start an embedded Temporal dev server. */
  temporalAddress?: string;
  /** `TEMPORAL_NAMESPACE`, default `default`. */
  temporalNamespace: string;
  /** `BAOXUE_POLICY`: the escalation policy file, absolute; default `policies/default.json`. */
  policyPath: string;
  /** `BAOXUE_TOWN`: areas and schools of the town, absolute; default `towns/guling.json`. */
  townPath: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`baoxue cannot start, the configuration is not valid:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export const DEFAULT_PORT = 3000;
export const DEFAULT_DATA_DIR = 'data';
export const DEFAULT_TEMPORAL_NAMESPACE = 'default';
export const DEFAULT_POLICY_FILE = 'policies/default.json';
export const DEFAULT_TOWN_FILE = 'towns/guling.json';

/**
 * Reads the settings. Relative paths in the environment are taken from the current directory;
 * the defaults are inside the project root, so `node dist/main.js` works from anywhere.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): BaoxueConfig {
  const problems: string[] = [];
  const value = (name: string): string | undefined => {
    const raw = env[name];
    return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
  };
  const path = (name: string, fallback: string): string => {
    const given = value(name);
    if (given === undefined) return resolve(PROJECT_ROOT, fallback);
    return isAbsolute(given) ? given : resolve(cwd, given);
  };

  let port = DEFAULT_PORT;
  const portText = value('PORT');
  if (portText !== undefined) {
    port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
      problems.push(`PORT: "${portText}" is not a port number (1-65535)`);
    }
  }

  const databaseUrl = value('DATABASE_URL');
  if (databaseUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(databaseUrl);
    } catch {
      problems.push('DATABASE_URL: not a URL; write it like postgres://user:password@host:5432/baoxue');
    }
    if (url && url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
      problems.push(`DATABASE_URL: the scheme must be postgres:// or postgresql://, not ${url.protocol}//`);
    }
  }

  const temporalAddress = value('TEMPORAL_ADDRESS');
  if (temporalAddress !== undefined && !/^[^\s:/]+:\d{1,5}$/.test(temporalAddress)) {
    problems.push(`TEMPORAL_ADDRESS: "${temporalAddress}" is not host:port (for example 127.0.0.1:7233)`);
  }

  const temporalNamespace = value('TEMPORAL_NAMESPACE') ?? DEFAULT_TEMPORAL_NAMESPACE;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(temporalNamespace)) {
    problems.push(`TEMPORAL_NAMESPACE: "${temporalNamespace}" is not a namespace name`);
  }

  const config: BaoxueConfig = {
    port,
    dataDir: path('BAOXUE_DATA_DIR', DEFAULT_DATA_DIR),
    databaseUrl,
    temporalAddress,
    temporalNamespace,
    policyPath: path('BAOXUE_POLICY', DEFAULT_POLICY_FILE),
    townPath: path('BAOXUE_TOWN', DEFAULT_TOWN_FILE),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
