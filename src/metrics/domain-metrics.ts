/**
 * The cases, as gauges read from the read model at each scrape (bounded by the statement timeout):
 * a stuck projection or a growing outbox shows here before anyone complains. One read serves all
 * the gauges of a scrape (each gauge's collect asks; a result younger than a second is reused).
 */
import { Gauge, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';

const ESCALATIONS = ['AUTO_ESCALATED', 'ESCALATED_TO_SUPERVISOR', 'ESCALATED_TO_LEADER'];
const REUSE_MS = 1_000;

interface CaseFigures {
  stages: Array<{ stage: string; n: number }>;
  overdue: number;
  escalations: number;
  pending: number;
  failed: number;
  oldest: number;
}

export function registerDomainMetrics(registry: Registry, dataSource: DataSource): void {
  let last: { at: number; figures: Promise<CaseFigures> } | undefined;
  const figures = (): Promise<CaseFigures> => {
    if (!last || Date.now() - last.at > REUSE_MS) {
      const read = readFigures(dataSource);
      last = { at: Date.now(), figures: read };
      read.catch(() => (last = undefined)); // a failed read is not reused
    }
    return last.figures;
  };

  new Gauge({
    name: 'baoxue_cases_open',
    help: 'Open cases, by stage',
    labelNames: ['stage'] as const,
    registers: [registry],
    async collect() {
      const { stages } = await figures();
      this.reset();
      for (const { stage, n } of stages) this.set({ stage }, n);
    },
  });
  const single = (name: string, help: string, pick: (f: CaseFigures) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        this.set(pick(await figures()));
      },
    });
  single('baoxue_cases_overdue', 'Open, unpaused cases whose action is past due', (f) => f.overdue);
  single('baoxue_escalations_last_hour', 'Escalations recorded in the last hour', (f) => f.escalations);
  single('baoxue_outbox_oldest_pending_seconds', 'Age of the oldest undelivered notification', (f) => f.oldest);
  new Gauge({
    name: 'baoxue_outbox_backlog',
    help: 'Notification outbox rows not delivered, by status (PENDING waits, FAILED gave up)',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const f = await figures();
      this.set({ status: 'PENDING' }, f.pending);
      this.set({ status: 'FAILED' }, f.failed);
    },
  });
}

async function readFigures(dataSource: DataSource): Promise<CaseFigures> {
  const [stages, [row]] = await Promise.all([
    dataSource.query(`SELECT stage, count(*)::int AS n FROM cases WHERE open GROUP BY stage`) as Promise<Array<{ stage: string; n: number }>>,
    dataSource.query(
      `SELECT (SELECT count(*)::int FROM cases WHERE open AND NOT paused AND action_due_at < now()) AS overdue,
              (SELECT count(*)::int FROM case_events WHERE type = ANY($1) AND occurred_at > now() - interval '1 hour') AS escalations,
              (SELECT count(*)::int FROM notification_outbox WHERE status = 'PENDING') AS pending,
              (SELECT count(*)::int FROM notification_outbox WHERE status = 'FAILED') AS failed,
              (SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 FROM notification_outbox WHERE status = 'PENDING') AS oldest`,
      [ESCALATIONS],
    ) as Promise<Array<Omit<CaseFigures, 'stages'>>>,
  ]);
  return { stages, ...row, oldest: Number(row.oldest) };
}
