/** The settings of the scheduled reconciliation and the codec endpoint, and how a reconciliation report reads. */
import { ConfigError, loadConfig } from '../../src/config';
import { formatReport, ReconciliationReport } from '../../src/reconciliation/report';

describe('BAOXUE_RECONCILE_EVERY and BAOXUE_CODEC_CORS_ORIGINS', () => {
  it('default to an hourly check and the embedded Temporal UI as the only origin', () => {
    expect(loadConfig({})).toMatchObject({ reconcileEveryMs: 3_600_000, codecCorsOrigins: ['http://localhost:8233', 'http://127.0.0.1:8233'] });
  });

  it('take a duration or off, and a list of origins', () => {
    expect(loadConfig({ BAOXUE_RECONCILE_EVERY: '30m' }).reconcileEveryMs).toBe(1_800_000);
    expect(loadConfig({ BAOXUE_RECONCILE_EVERY: '1d12h' }).reconcileEveryMs).toBe(129_600_000);
    expect(loadConfig({ BAOXUE_RECONCILE_EVERY: 'off' }).reconcileEveryMs).toBeUndefined();
    expect(loadConfig({ BAOXUE_CODEC_CORS_ORIGINS: 'https://temporal.guling.gov.cn/, http://localhost:8080' }).codecCorsOrigins).toEqual([
      'https://temporal.guling.gov.cn',
      'http://localhost:8080',
    ]);
  });

  it('fail fast on what they cannot use', () => {
    let error: unknown;
    try {
      loadConfig({ BAOXUE_RECONCILE_EVERY: 'hourly', BAOXUE_CODEC_CORS_ORIGINS: '*' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'BAOXUE_RECONCILE_EVERY: "hourly" is not an interval like 1h, 30m or 1d (at least 1s), or off',
      'BAOXUE_CODEC_CORS_ORIGINS: "*" is not an origin like http://localhost:8233',
    ]);
    expect(() => loadConfig({ BAOXUE_RECONCILE_EVERY: '0s' })).toThrow(ConfigError);
  });
});

describe('a reconciliation report', () => {
  const base: ReconciliationReport = {
    startedAt: '2026-03-01T08:00:00.000Z',
    finishedAt: '2026-03-01T08:00:01.000Z',
    openCases: 12,
    runningWorkflows: 12,
    matched: 12,
    inProgress: 0,
    differences: [],
    consistent: true,
  };

  it('says in Chinese and English that the ledger and the workflows agree, with the counts', () => {
    const text = formatReport(base);
    expect(text).toContain('台账未结案件 / open cases in the ledger:       12');
    expect(text).toContain('运行中的流程 / running case workflows:         12');
    expect(text).toContain('差异 / differences:                            0');
    expect(text).toContain('结论 / result: 人账相符 / the ledger and the workflows agree');
  });

  it('lists each difference under its kind, by case id and stage', () => {
    const text = formatReport({
      ...base,
      matched: 10,
      inProgress: 1,
      consistent: false,
      differences: [
        { kind: 'OPEN_ROW_WITHOUT_WORKFLOW', caseId: 'a', rowStage: 'PERSUASION', workflowStatus: 'TERMINATED' },
        { kind: 'WORKFLOW_WITHOUT_OPEN_ROW', caseId: 'b', workflowId: 'case-b', workflowStage: 'HOME_VISIT', rowStage: 'CLOSED' },
        { kind: 'STAGE_MISMATCH', caseId: 'c', rowStage: 'PERSUASION', workflowStage: 'TOWN_CRITICISM', source: 'snapshot' },
      ],
    });
    expect(text).toContain('正在立案 / being opened right now:             1');
    expect(text).toContain('  - case a: 台账环节 ledger stage PERSUASION; 流程 workflow TERMINATED');
    expect(text).toContain('  - case b (case-b): 流程环节 workflow stage HOME_VISIT; 台账已结 ledger row closed as CLOSED');
    expect(text).toContain('  - case c: 台账 ledger PERSUASION, 流程 workflow TOWN_CRITICISM (snapshot)');
    expect(text).toContain('人账不符');
  });
});
