/**
 * The policy versions cases were started with. A version is immutable: the same version with a
 * different body is a deployment mistake (the changed file needs a new version), refused loudly.
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { Policy } from '../workflows/policy';

export class PolicyVersionConflictError extends Error {
  constructor(readonly version: string) {
    super(
      `policy version "${version}" is already recorded with a different body; ` +
        'a changed policy needs a new version (running cases keep the version they started with)',
    );
    this.name = 'PolicyVersionConflictError';
  }
}

/** Records the policy (idempotent); call it at start-up with the loaded policy, before starting cases. */
export async function recordPolicy(db: DataSource | EntityManager, policy: Policy): Promise<void> {
  const body = JSON.stringify(policy);
  await db.query(`INSERT INTO policies (version, body) VALUES ($1, $2::jsonb) ON CONFLICT (version) DO NOTHING`, [policy.version, body]);
  const rows: Array<{ same: boolean }> = await db.query(`SELECT body = $2::jsonb AS same FROM policies WHERE version = $1`, [
    policy.version,
    body,
  ]);
  if (!rows[0]?.same) throw new PolicyVersionConflictError(policy.version);
}

export async function findPolicy(db: DataSource | EntityManager, version: string): Promise<Policy | undefined> {
  const rows: Array<{ body: Policy }> = await db.query(`SELECT body FROM policies WHERE version = $1`, [version]);
  return rows[0]?.body;
}
