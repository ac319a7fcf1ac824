/**
 * What-if for a town: its open cases (the read model says which, as the dashboard counts them),
 * each case's inputs read from its workflow's history (the truth), forecast under its own policy
 * and under the draft. Reads only: no workflow is signalled, no row written.
 */
import type { DataSource } from 'typeorm';
import { CaseEngine, CaseNotFoundError } from '../api/case-engine.port';
import type { Policy } from '../workflows/policy';
import { WhatIf, whatIf } from './forecast';
import type { RecordedCase } from './recorded-case';

/** Histories read at once: enough to hide the round trips, few enough to leave Temporal to the cases. */
const READS_AT_ONCE = 8;

export const DEFAULT_WEEKS = 8;
export const MAX_WEEKS = 52;

export interface WhatIfReport extends WhatIf {
  town: string;
  /** Open cases in the read model whose workflow Temporal does not know (人账相符 reports them too). */
  missing: string[];
}

export interface WhatIfProgress {
  read: number;
  of: number;
}

export class WhatIfService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly engine: CaseEngine,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async forecast(town: string, draft: Policy, weeks = DEFAULT_WEEKS, onProgress?: (p: WhatIfProgress) => void): Promise<WhatIfReport> {
    const rows: Array<{ id: string }> = await this.dataSource.query(`SELECT id FROM cases WHERE town = $1 AND open ORDER BY opened_at, id`, [town]);
    const recorded: RecordedCase[] = [];
    const missing: string[] = [];
    let next = 0;
    let read = 0;
    const reader = async () => {
      while (next < rows.length) {
        const { id } = rows[next++];
        try {
          recorded.push(await this.engine.recordedCase(id));
        } catch (err) {
          if (!(err instanceof CaseNotFoundError)) throw err;
          missing.push(id);
        }
        onProgress?.({ read: ++read, of: rows.length });
      }
    };
    await Promise.all(Array.from({ length: Math.min(READS_AT_ONCE, rows.length) }, reader));
    // Read in parallel, reported in the read model's order.
    const order = new Map(rows.map((r, i) => [r.id, i]));
    recorded.sort((a, b) => order.get(a.caseId)! - order.get(b.caseId)!);
    return { town, missing: missing.sort(), ...whatIf(recorded, draft, this.clock().getTime(), weeks) };
  }
}
