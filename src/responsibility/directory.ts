/**
 * What the projection needs to route: the chains of every town the deployment serves, the policy
 * versions (immutable, so cached), and the outbox channels to write. Built once at start-up.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { findPolicy } from '../read-model/policies';
import { Towns, loadTown, townFiles } from '../read-model/town';
import type { Policy } from '../workflows/policy';
import { IN_APP_CHANNEL } from '../notifications/channel';
import { ResponsibilityChainsData, loadResponsibilityChains, peopleOf, responsibilityPathFor } from './chains';
import { unroutableRoles } from './routing';

export class ResponsibilityDirectory {
  private readonly byTown = new Map<string, ResponsibilityChainsData>();
  private readonly policies = new Map<string, Policy>();
  /** The outbox channels every notification is written for. */
  readonly channels: readonly string[];
  /** The town of cases whose snapshot names none (cases opened before towns were recorded). */
  readonly defaultTown: string;

  constructor(chains: readonly ResponsibilityChainsData[], options: { defaultTown?: string; channels?: readonly string[] } = {}) {
    for (const c of chains) this.byTown.set(c.town, c);
    this.defaultTown = options.defaultTown ?? chains[0]?.town ?? '';
    this.channels = options.channels ?? [IN_APP_CHANNEL];
  }

  chainsFor(town: string | undefined): ResponsibilityChainsData | undefined {
    return this.byTown.get(town ?? this.defaultTown);
  }

  /** People the chains name who have no active account: their tasks and notifications would wait unread. */
  async missingAccounts(db: DataSource | EntityManager): Promise<string[]> {
    const named = [...new Set([...this.byTown.values()].flatMap(peopleOf))];
    const rows: Array<{ username: string }> = await db.query(`SELECT username FROM users WHERE username = ANY($1::text[]) AND active`, [named]);
    const found = new Set(rows.map((r) => r.username));
    return named.filter((p) => !found.has(p)).sort();
  }

  async policy(db: DataSource | EntityManager, version: string): Promise<Policy | undefined> {
    const kept = this.policies.get(version);
    if (kept) return kept;
    const found = await findPolicy(db, version);
    if (found) this.policies.set(version, found);
    return found;
  }
}

/**
 * Loads the chains beside every town file (towns/x.json → towns/x.responsibility.json) and checks
 * each against its town, and the policy for roles routing does not know; fails with every problem
 * and the file named.
 */
export function loadResponsibilityDirectory(
  townPaths: readonly string[],
  towns: Towns,
  policy: Policy,
  options: { channels?: readonly string[] } = {},
): ResponsibilityDirectory {
  const problems: string[] = [];
  const chains: ResponsibilityChainsData[] = [];
  for (const file of townFiles(townPaths)) {
    try {
      chains.push(loadResponsibilityChains(responsibilityPathFor(file), towns.get(loadTown(file).code)));
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  problems.push(...unroutableRoles(policy).map((p) => `the policy ${policy.version} names a role the responsibility chains cannot route: ${p}`));
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return new ResponsibilityDirectory(chains, { defaultTown: towns.default.code, channels: options.channels });
}
