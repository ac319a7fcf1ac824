/**
 * The what-if report as text tables in Chinese and English (the command's output): per week, per
 * stage and per area, the current policy beside the draft.
 */
import type { Label } from '../workflows/vocabulary';
import { CHAIN_STAGES, STAGE_LABELS, Stage } from '../workflows/vocabulary';
import type { ForecastSummary } from './forecast';
import type { WhatIfReport } from './what-if.service';

/** Asia/Shanghai calendar day of an instant, as a Chinese date: 2026年12月14日. */
function chinaDay(iso: string): string {
  const [y, m, d] = new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10).split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** Width of a text in a monospace terminal: a Chinese character takes two columns. */
function width(text: string): number {
  let n = 0;
  for (const ch of text) n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return n;
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]))));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c + ' '.repeat(widths[i] - width(c)) : ' '.repeat(widths[i] - width(c)) + c)).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const both = (label: Label) => `${label.zh} ${label.en}`;
const pair = (a: number, b: number) => (a === b ? String(a) : `${a} → ${b}`);

export function formatWhatIf(report: WhatIfReport, areaLabel: (code: string) => Label): string {
  const { current, draft } = report;
  const weekName = (w: ForecastSummary['weeks'][number]) => (w.week < 0 ? '至今 so far' : `第${w.week + 1}周 week ${w.week + 1} (${chinaDay(w.from)}起)`);
  const escalatedTo = (s: ForecastSummary, i: number, stage: (typeof CHAIN_STAGES)[number]) => s.weeks[i].escalatedTo[stage] ?? 0;
  const shownStages = CHAIN_STAGES.filter((stage) => current.weeks.some((_, i) => escalatedTo(current, i, stage) + escalatedTo(draft, i, stage) > 0));
  const weeks = table(
    ['周 week', ...shownStages.map((s) => `转入${STAGE_LABELS[s].zh} to ${s}`), '报督办 supervisor', '报组长 leader'],
    current.weeks.map((w, i) => [
      weekName(w),
      ...shownStages.map((s) => pair(escalatedTo(current, i, s), escalatedTo(draft, i, s))),
      pair(w.toSupervisor, draft.weeks[i].toSupervisor),
      pair(w.toLeader, draft.weeks[i].toLeader),
    ]),
  );
  const stages = table(
    ['环节 stage', '今日 now', `${report.weeks}周后 after ${report.weeks} weeks`],
    current.stages
      .filter((s, i) => s.now + s.atEnd + draft.stages[i].now + draft.stages[i].atEnd > 0)
      .map((s) => {
        const d = draft.stages.find((x) => x.stage === s.stage)!;
        return [both(STAGE_LABELS[s.stage as Stage]), pair(s.now, d.now), pair(s.atEnd, d.atEnd)];
      }),
  );
  const areas = table(
    ['责任区 area', '案件 cases', '升级 escalations', '停在法定环节 at a legal gate'],
    current.areas.map((a) => {
      const d = draft.areas.find((x) => x.area === a.area)!;
      return [both(areaLabel(a.area)), String(a.cases), pair(a.escalations, d.escalations), pair(a.waitingAtGate, d.waitingAtGate)];
    }),
  );
  return [
    `政策推演 / What-if: ${report.town}, ${current.cases.length} 件在办案件 open cases, ${chinaDay(current.from)} – ${chinaDay(current.to)} (${report.weeks} 周 weeks), 假定无人办理 / no human action`,
    `现行 current: ${current.policyVersion}  →  草案 draft: ${draft.policyVersion}   (a → b: 现行 → 草案 / current → draft)`,
    '',
    '按周自动升级 / Automatic escalations per week',
    weeks,
    '',
    '各环节案件数 / Cases per stage',
    stages,
    '',
    '按责任区 / Per area',
    areas,
    '',
    `会升级的案件 cases escalating: ${pair(current.casesEscalating, draft.casesEscalating)}; 停在法定环节 waiting at a legal gate: ${pair(current.casesWaitingAtGate, draft.casesWaitingAtGate)}; 未经决定越过法定环节 crossing a legal gate with no decision: ${draft.casesCrossingGates}`,
    `预测有变化的案件 cases whose forecast changes: ${report.changedCases.length}${report.missing.length ? `; 无工作流 without a workflow: ${report.missing.join(', ')}` : ''}`,
  ].join('\n');
}
