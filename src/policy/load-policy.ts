import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Policy, policyProblems } from '../workflows/policy';
import { PROJECT_ROOT } from '../project-root';

export const DEFAULT_POLICY_PATH = resolve(PROJECT_ROOT, 'policies/default.json');

/**
 * Reads and checks a policy file. Fails fast with every problem listed, so a deployment that
 * replaces the policy (BAOXUE_POLICY=path) learns at start-up, not when a deadline passes.
 */
export function loadPolicy(path: string = DEFAULT_POLICY_PATH): Policy {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the escalation policy ${path}: ${(err as Error).message}`);
  }
  const problems = policyProblems(raw);
  if (problems.length > 0) {
    throw new Error(`the escalation policy ${path} is not valid:\n  - ${problems.join('\n  - ')}`);
  }
  return raw as Policy;
}
