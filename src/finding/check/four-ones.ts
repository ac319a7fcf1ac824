/**
 * The "四个一" rhythm's scheduled work (教基厅函〔2024〕15号): the county re-checks every quarter, and
 * schools and villages visit at each term start. Temporal Schedules (schedule.ts) start
 * fourOnesWorkflow, whose activity writes these tasks, routed through the chains:
 * - quarterly re-check: the leader (组长) and the town government office prepare the three ledgers
 *   and the open cross-check items for the county;
 * - term-start visits: every school's principal (check the roll against the school-age ledger) and
 *   every area's resident cadre (visit the homes of the area's school-age children).
 * Ids hold the period, so a second run in the same quarter or term adds nothing. Each new task tells
 * its holder (an in-app notification, finding-tasks.ts).
 */
import type { DataSource } from 'typeorm';
import { CHINA_OFFSET_MS, monthOf } from '../../dashboard/china-time';
import type { Towns } from '../../read-model/town';
import type { ResponsibilityDirectory } from '../../responsibility/directory';
import { parseDuration } from '../../workflows/policy';
import type { FourOnesKind } from '../../workflows/cross-check-messages';
import type { FindingPolicy } from './finding-policy';
import { insertFindingTasks, NewFindingTask } from './finding-tasks';

/** The period a run belongs to: '2026Q4', or the term start '2026-09-01' on or before now (China time). */
export function periodOf(kind: FourOnesKind, now: Date, termStarts: readonly string[]): string {
  const [year, month] = monthOf(now).split('-').map(Number);
  if (kind === 'QUARTERLY_RECHECK') return `${year}Q${Math.floor((month - 1) / 3) + 1}`;
  const today = new Date(now.getTime() + CHINA_OFFSET_MS).toISOString().slice(5, 10);
  const sorted = [...termStarts].sort();
  const thisYear = sorted.filter((d) => d <= today).pop();
  return thisYear ? `${year}-${thisYear}` : `${year - 1}-${sorted[sorted.length - 1]}`;
}

export async function createFourOnesTasks(
  deps: { dataSource: DataSource; towns: Towns; responsibility: ResponsibilityDirectory; policy: FindingPolicy },
  kind: FourOnesKind,
  now: Date,
): Promise<number> {
  const period = periodOf(kind, now, deps.policy.fourOnes.termStarts);
  const due = new Date(now.getTime() + parseDuration(kind === 'QUARTERLY_RECHECK' ? deps.policy.fourOnes.quarterlyRecheckDue : deps.policy.fourOnes.termStartVisitDue));
  let created = 0;
  for (const town of deps.towns.all) {
    const chains = deps.responsibility.chainsFor(town.code);
    if (!chains) continue;
    const tasks: NewFindingTask[] = [];
    const add = (role: string, link: string, holder: string | undefined, zh: string, en: string) => {
      if (holder && !tasks.some((t) => t.holder === holder)) tasks.push({ id: `${kind}:${town.code}:${period}:${holder}`, role, link, holder, title_zh: zh, title_en: en });
    };
    if (kind === 'QUARTERLY_RECHECK') {
      const zh = `季度复核（${period}）：县级复核前核对适龄儿童、疑似辍学、辍学三类台账，办结比对待办`;
      const en = `Quarterly re-check (${period}): before the county's re-check, check the three ledgers and work off the open cross-check items`;
      add('LEADER', 'OFFICE', chains.leader, zh, en);
      for (const person of chains.offices.TOWN_GOVERNMENT ?? []) add('TOWN_GOVERNMENT', 'OFFICE', person, zh, en);
    } else {
      for (const [school, chain] of Object.entries(chains.schools)) {
        const name = town.schools.find((s) => s.code === school)?.name ?? { zh: school, en: school };
        add('PRINCIPAL', 'PRINCIPAL', chain.principal, `开学走访（${period}）：对照适龄儿童台账核查${name.zh}学生到校情况，未到校的逐一家访`, `Term-start visits (${period}): check who is at ${name.en} against the school-age ledger and visit the homes of those who are not`);
      }
      for (const [area, chain] of Object.entries(chains.areas)) {
        const name = town.areas.find((a) => a.code === area)?.name ?? { zh: area, en: area };
        add('VILLAGE', 'RESIDENT_CADRE', chain.residentCadre, `开学走访（${period}）：入户走访${name.zh}适龄儿童，核实未入学、疑似辍学儿童`, `Term-start visits (${period}): visit the school-age children's homes in ${name.en}; verify the not-enrolled and suspected dropouts`);
      }
    }
    // The tasks and their holders' notifications in one transaction: nothing half-written.
    created += await deps.dataSource.transaction((m) => insertFindingTasks(m, { town: town.code, kind, dueAt: due, now, channels: deps.responsibility.channels }, tasks));
  }
  return created;
}
