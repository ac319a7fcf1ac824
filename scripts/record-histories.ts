/**
 * Records histories of real runs of the case workflow, one per path through the chain, into
 * test/replay/histories/<set>/<path>.json, for the replay tests (test/replay/replay.test.ts).
 *
 *   npm run record-histories -- <set>            e.g. npm run record-histories -- v2-paused-attribute
 *   npm run record-histories -- <set> --force    overwrite an existing set
 *   npm run record-histories -- <set> --add-missing   record only the paths the set has no file for
 *
 * A set is one recording, named for the workflow code it was recorded with. Sets are never
 * re-recorded once committed: they stand for the cases that were running when that code was
 * deployed, which the next version must still replay. Record a new set after every change to the
 * workflow; the replay test replays all of them. `--add-missing` is for a path added to this script
 * while the workflow code is still the code the set was recorded with (the set's files stay as they
 * are): so the set also stands for a case on the new path, which the next change must replay.
 *
 * How: a Temporal dev server in memory (the time-skipping test server cannot register our search
 * attributes), a worker on the workflow source, the API's own case engine (update-with-start,
 * updates) and a policy whose windows are seconds, so timers really fire; the projection activity
 * is an in-memory fake (history holds its input and result either way). About 25 s.
 *
 * Payloads are recorded WITHOUT the payload codec (in clear, with the production failure
 * converter), so the replay test needs no key and a reviewer can read the files. Encryption does
 * not change what the workflow decides: the codec runs outside the workflow sandbox, on the bytes.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { ActionRefusedError } from '../src/api/case-engine.port';
import { loadPolicy } from '../src/policy/load-policy';
import { baoxueDataConverter } from '../src/temporal/codec';
import { startTemporalDevServer } from '../src/temporal/dev-server';
import { installTemporalRuntime } from '../src/temporal/runtime';
import { TemporalCaseEngine } from '../src/temporal/temporal-case-engine';
import { ActionRequest, CaseAction, CaseActivities, CaseEvent, CaseSnapshot, IssuedDocument, ProjectedEvents, caseWorkflowId, projectedEvents } from '../src/workflows/messages';
import type { Cause, CaseEventType, Stage } from '../src/workflows/vocabulary';
import { HISTORIES_DIR, writeHistory } from '../test/replay/history-files';

const TASK_QUEUE = 'record-histories';
const POLICY = loadPolicy(resolve(__dirname, '..', 'test', 'fixtures', 'policy-seconds.json'));

/** The fake read model: what the workflow projected, per case. */
class Projection implements CaseActivities {
  readonly events = new Map<string, CaseEvent[]>();
  readonly stage = new Map<string, Stage>();

  async projectCase({ snapshot, events }: { snapshot: CaseSnapshot; events: CaseEvent[] }): Promise<ProjectedEvents> {
    const list = this.events.get(snapshot.caseId) ?? [];
    for (const e of events) if (!list.some((x) => x.id === e.id)) list.push(e);
    this.events.set(snapshot.caseId, list);
    this.stage.set(snapshot.caseId, snapshot.stage);
    return projectedEvents(events);
  }
}

interface Run {
  caseId: string;
  act(action: ActionRequest): Promise<void>;
  /** A document issued by the API, recorded in the timeline (the documentIssued update). */
  documentIssued(document: Omit<IssuedDocument, 'issuedBy'>): Promise<void>;
  /** An action the case must refuse (the update's validator rejects it). */
  refused(action: ActionRequest): Promise<void>;
  until(what: { stage?: Stage; event?: CaseEventType }): Promise<void>;
  pause(ms: number): Promise<void>;
  /** Leave the workflow running: the history ends mid-case, like a case open at a deployment. */
  leaveOpen(): void;
  /** The id of the case's latest event of this type (a request for approval is known by it). */
  lastEventId(type: CaseEventType): string;
}

/** One path through the chain. The names are the file names. */
const PATHS: Record<string, (run: Run) => Promise<void>> = {
  // 家访 → 劝返 → 批评教育 (legal gate: overdue, supervisor, leader) → 责令限期改正 → 司法文书 → 追究法律责任 → 销号
  'full-chain': async (run) => {
    await run.act({ type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED', note: '家长外出务工，孩子在家' });
    await run.until({ stage: 'TOWN_CRITICISM' }); // the persuasion window ends by itself
    await run.until({ event: 'ESCALATED_TO_LEADER' }); // the gate is not crossed: people are chased
    await run.act({ type: 'ISSUE_CORRECTION_ORDER', orderNumber: '故府责改〔2026〕1号', correctWithin: '2s' });
    await run.until({ stage: 'JUDICIAL_DOCUMENT' });
    await run.act({ type: 'ISSUE_JUDICIAL_DOCUMENT', documentNumber: '云故司〔2026〕1号' });
    await run.until({ stage: 'LEGAL_LIABILITY' });
    await run.act({ type: 'RECORD_LEGAL_OUTCOME', outcome: '监护人受训诫，已送学' });
    await run.act({ type: 'APPROVE_CLOSURE', note: '领导小组决定销号' });
  },
  // 复学 → 跟踪期满 → 销号
  'return-follow-up-closure': async (run) => {
    await run.act({ type: 'RECORD_HOME_VISIT', outcome: 'RETURNED', note: '家访后当天返校' });
    await run.until({ event: 'FOLLOW_UP_COMPLETED' });
    await run.act({ type: 'APPROVE_CLOSURE' });
  },
  // 再次辍学: back at the stage it left (TOWN_CRITICISM), then returned again and closed
  relapse: async (run) => {
    await run.act({ type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED' });
    await run.act({ type: 'PERSUASION_REFUSED', reason: '家长拒绝送学' });
    await run.act({ type: 'RECORD_RETURN', note: '已返校' });
    await run.act({ type: 'RECORD_RELAPSE', reason: '再次不到校' });
    await run.act({ type: 'ISSUE_CORRECTION_ORDER', correctWithin: '10s' });
    await run.act({ type: 'RECORD_RETURN' });
    await run.until({ event: 'FOLLOW_UP_COMPLETED' });
    await run.act({ type: 'APPROVE_CLOSURE' });
  },
  // 暂停 / 恢复: the clock stands still while paused, then the window ends by itself
  'pause-resume': async (run) => {
    await run.act({ type: 'PAUSE', reason: '住院治疗' });
    await run.pause(2_000);
    await run.act({ type: 'RESUME' });
    await run.until({ stage: 'PERSUASION' });
    await run.act({ type: 'PAUSE', reason: '随父母外出' });
    await run.act({ type: 'RECORD_RETURN', note: '暂停期间返校' });
    await run.act({ type: 'CANCEL', reason: '录制结束' });
  },
  exempt: async (run) => {
    await run.act({ type: 'ADD_SUPPORT', measure: 'HOME_DELIVERED_EDUCATION', owner: 'principal', dueAt: new Date(Date.now() + 86_400_000).toISOString(), note: '送教上门' });
    await run.act({ type: 'EXEMPT', reason: '经县教委批准缓学' });
  },
  transfer: async (run) => {
    await run.act({ type: 'TRANSFER', reason: '随父母迁居', newSchool: '万州区第二中学' });
  },
  complete: async (run) => {
    await run.act({ type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED' });
    await run.act({ type: 'COMPLETE', reason: '已满16周岁，完成义务教育' });
  },
  cancel: async (run) => {
    await run.act({ type: 'CANCEL', reason: '误报' });
  },
  // Refusals leave nothing in history (the validator rejects them); the other everyday actions do
  'refused-update': async (run) => {
    await run.refused({ type: 'ISSUE_JUDICIAL_DOCUMENT', documentNumber: '云故司〔2026〕9号' });
    await run.refused({ type: 'EXTEND_DEADLINE', newDueAt: new Date(Date.now() - 60_000).toISOString(), reason: '出差', approver: '谭巧玲' });
    await run.act({ type: 'REASSIGN', assignee: '吴家俊', reason: '换人负责' });
    await run.act({ type: 'ADD_NOTE', note: '电话联系家长' });
    await run.act({ type: 'EXTEND_DEADLINE', newDueAt: new Date(Date.now() + 60_000).toISOString(), reason: '家长外出', approver: '谭巧玲' });
    await run.refused({ type: 'APPROVE_CLOSURE' });
    await run.act({ type: 'CANCEL', reason: '录制结束' });
  },
  // Still open when recorded: a case waiting at the legal gate, as many are at a deployment
  'open-at-gate': async (run) => {
    await run.act({ type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED' });
    await run.act({ type: 'PERSUASION_REFUSED', reason: '家长拒绝送学' });
    await run.until({ event: 'ESCALATED_TO_SUPERVISOR' });
    run.leaveOpen();
  },
  // Still open and paused when recorded
  'open-paused': async (run) => {
    await run.act({ type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED' });
    await run.act({ type: 'PAUSE', reason: '住院治疗' });
    run.leaveOpen();
  },
  // 先帮扶后惩戒 (POVERTY, the gate on): the aid's owner is reminded, the case is held at the end of
  // the order's deadline, the aid's outcome releases it into the judicial step
  'support-gate': async (run) => {
    await run.act({ type: 'ADD_SUPPORT', measure: 'EDUCATION_AID', owner: 'officer', dueAt: new Date(Date.now() + 2_000).toISOString(), note: '申请教育资助' });
    await run.until({ event: 'REMINDER_SENT' });
    await run.act({ type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED' });
    await run.act({ type: 'PERSUASION_REFUSED', reason: '家长拒绝送学' });
    await run.act({ type: 'ISSUE_CORRECTION_ORDER', correctWithin: '2s' });
    await run.until({ event: 'HELD_FOR_SUPPORT' });
    await run.act({ type: 'RECORD_SUPPORT_OUTCOME', measureId: `${run.caseId}:2`, outcome: 'GRANTED' });
    await run.until({ stage: 'JUDICIAL_DOCUMENT' });
    await run.act({ type: 'CANCEL', reason: '录制结束' });
  },
  // 延期 at the home visit: the required action's due date is moved past the window's end
  'extension-at-home-visit': async (run) => {
    await run.act({ type: 'EXTEND_DEADLINE', newDueAt: new Date(Date.now() + 10_000).toISOString(), reason: '家长外出务工，下周返乡', approver: '谭巧玲' });
    await run.until({ stage: 'PERSUASION' });
    await run.act({ type: 'CANCEL', reason: '录制结束' });
  },
  // 出具文书: the enrolment notice enters the timeline; the same document sent again records nothing more
  'document-issued': async (run) => {
    const notice = { documentId: randomUUID(), kind: 'ENROLMENT_NOTICE', kindLabel: { zh: '义务教育入学通知书', en: 'Compulsory education enrolment notice' }, number: '故陵府教〔2026〕1号', basisSeq: 1 };
    await run.documentIssued(notice);
    await run.documentIssued(notice);
    await run.act({ type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED' });
    await run.act({ type: 'CANCEL', reason: '录制结束' });
  },
  // 送教上门 (DISABILITY): delivered counts as enrolled, so the case goes to follow-up and is closed
  'home-delivered-education': async (run) => {
    await run.act({ type: 'ADD_SUPPORT', measure: 'HOME_DELIVERED_EDUCATION', owner: 'principal', dueAt: new Date(Date.now() + 60_000).toISOString() });
    await run.act({ type: 'RECORD_SUPPORT_OUTCOME', measureId: `${run.caseId}:2`, outcome: 'DELIVERED', note: '每周两次送教上门' });
    await run.until({ event: 'FOLLOW_UP_COMPLETED' });
    await run.act({ type: 'APPROVE_CLOSURE' });
  },
  // 审批 (the approvals policy): a closure request waits past remindAfter (its approvers are
  // reminded), is rejected, asked again and approved
  'approval-closure': async (run) => {
    await run.act({ type: 'RECORD_HOME_VISIT', outcome: 'RETURNED', note: '家访后当天返校' });
    await run.until({ event: 'FOLLOW_UP_COMPLETED' });
    await run.refused({ type: 'APPROVE_CLOSURE' });
    await run.act({ type: 'REQUEST_APPROVAL', decision: 'CLOSURE', reason: '跟踪期满，学生稳定在校' });
    await run.until({ event: 'REMINDER_SENT' });
    await run.act({ type: 'REJECT_REQUEST', approvalId: run.lastEventId('REQUEST_APPROVAL'), comment: '请补充出勤记录' });
    await run.act({ type: 'REQUEST_APPROVAL', decision: 'CLOSURE', reason: '已补充出勤记录' });
    await run.act({ type: 'APPROVE_REQUEST', approvalId: run.lastEventId('REQUEST_APPROVAL'), comment: '同意销号' });
  },
  // The judicial stage waits for approval at the end of the order's deadline; an exemption request
  // stops the clocks until it is approved
  'approval-judicial-exemption': async (run) => {
    await run.act({ type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED' });
    await run.act({ type: 'PERSUASION_REFUSED', reason: '家长拒绝送学' });
    await run.act({ type: 'ISSUE_CORRECTION_ORDER', correctWithin: '2s' });
    await run.until({ event: 'AWAITING_APPROVAL' });
    await run.act({ type: 'REQUEST_APPROVAL', decision: 'JUDICIAL', reason: '监护人仍拒不改正' });
    await run.act({ type: 'APPROVE_REQUEST', approvalId: run.lastEventId('REQUEST_APPROVAL'), comment: '同意进入司法程序' });
    await run.until({ stage: 'JUDICIAL_DOCUMENT' });
    await run.act({ type: 'REQUEST_APPROVAL', decision: 'EXEMPTION', reason: '因病申请休学' });
    await run.act({ type: 'APPROVE_REQUEST', approvalId: run.lastEventId('REQUEST_APPROVAL'), comment: '同意休学一年' });
  },
  // 移交外镇 (since v8): asked, accepted by the receiving town, the case goes on there under its policy
  'transfer-accepted': async (run) => {
    await run.act({ type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED' });
    await run.act({ type: 'REQUEST_TRANSFER', toTown: 'XINHE', reason: '该生随父母在新河镇务工地被发现' });
    await run.act({ type: 'ACCEPT_TRANSFER', area: 'GAOPING', school: 'XINHE_SCHOOL', grade: 6, className: '六年级一班', receiving: { town: 'XINHE', childId: randomUUID() } } as ActionRequest);
    await run.until({ stage: 'TOWN_CRITICISM' });
    await run.act({ type: 'CANCEL', reason: '录制结束' });
  },
  // 移交被拒绝: the case goes on in the sending town
  'transfer-declined': async (run) => {
    await run.act({ type: 'REQUEST_TRANSFER', toTown: 'XINHE', reason: '疑在新河镇' });
    await run.act({ type: 'DECLINE_TRANSFER', reason: '经核实该生不在本镇' });
    await run.act({ type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED' });
    await run.act({ type: 'CANCEL', reason: '录制结束' });
  },
  // Still open when recorded: a transfer waiting for the receiving town's answer
  'open-transfer-pending': async (run) => {
    await run.act({ type: 'REQUEST_TRANSFER', toTown: 'XINHE', reason: '疑在新河镇' });
    run.leaveOpen();
  },
};

/** Paths whose case is opened with another cause, or another policy (the gate switched on). */
const SUPPORT_POLICY = { ...POLICY, version: 'test-seconds-support.1', supportBeforeSanction: true };
const APPROVALS_POLICY: typeof POLICY = {
  ...POLICY,
  version: 'test-seconds-approvals.1',
  approvals: {
    remindAfter: '2s',
    extensionLimit: '5s',
    decisions: {
      CLOSURE: { approverRoles: ['LEADER', 'DEPUTY_LEADER'] },
      JUDICIAL: { approverRoles: ['LEADER'] },
      EXTENSION: { approverRoles: ['LEADER', 'DEPUTY_LEADER', 'COORDINATOR'] },
      EXEMPTION: { approverRoles: ['LEADER', 'DEPUTY_LEADER'], pausesClocks: true },
    },
  },
};
const PATH_SETUP: Record<string, { cause: Cause; policy?: typeof POLICY }> = {
  'support-gate': { cause: 'POVERTY', policy: SUPPORT_POLICY },
  'approval-closure': { cause: 'GUARDIAN_REFUSES', policy: APPROVALS_POLICY },
  'approval-judicial-exemption': { cause: 'GUARDIAN_REFUSES', policy: APPROVALS_POLICY },
  'home-delivered-education': { cause: 'DISABILITY' },
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const set = args.find((a) => !a.startsWith('--'));
  const force = args.includes('--force');
  const addMissing = args.includes('--add-missing');
  if (!set || !/^[a-z0-9][a-z0-9.-]*$/.test(set)) {
    console.error('usage: npm run record-histories -- <set> [--force | --add-missing]   (set: lower-case name of this recording, e.g. v2-paused-attribute)');
    process.exit(2);
  }
  const dir = join(HISTORIES_DIR, set);
  if (existsSync(dir) && readdirSync(dir).length > 0 && !force && !addMissing) {
    console.error(`${dir} exists: committed sets are kept as they are (they stand for cases running at a deployment). Choose a new set name, --add-missing, or --force.`);
    process.exit(2);
  }
  const paths = Object.entries(PATHS).filter(([name]) => !addMissing || !existsSync(join(dir, `${name}.json`)));
  if (paths.length === 0) {
    console.log(`${dir} has every path already: nothing to record`);
    return;
  }

  installTemporalRuntime();
  const started = Date.now();
  const server = await startTemporalDevServer();
  const projection = new Projection();
  const dataConverter = baoxueDataConverter(); // no codec: histories in clear (see above)
  const worker = await Worker.create({
    connection: server.env.nativeConnection,
    namespace: server.namespace,
    taskQueue: TASK_QUEUE,
    workflowsPath: require.resolve('../src/workflows'),
    activities: { projectCase: (batch: { snapshot: CaseSnapshot; events: CaseEvent[] }) => projection.projectCase(batch) },
    dataConverter,
  });
  const running = worker.run();
  const client = new Client({ connection: server.env.connection, namespace: server.namespace, dataConverter });
  const engines = new Map([POLICY, SUPPORT_POLICY, APPROVALS_POLICY].map((policy) => [policy, new TemporalCaseEngine(client, policy, { taskQueue: TASK_QUEUE })]));

  try {
    if (!addMissing) rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const written = await Promise.all(
      paths.map(async ([name, path]) => {
        const caseId = randomUUID();
        let open = false;
        const setup = PATH_SETUP[name];
        const engine = engines.get(setup?.policy ?? POLICY)!;
        await engine.startCase({
          caseId,
          town: 'GULING',
          childId: randomUUID(),
          cause: setup?.cause ?? 'GUARDIAN_REFUSES',
          area: 'GAOPING',
          school: 'GULING_PRIMARY',
          openedAt: new Date().toISOString(),
          openedBy: '谢勇',
          note: '开学两周未到校',
        });
        const run: Run = {
          caseId,
          act: async (action) => {
            await engine.act(caseId, { actor: '吴家俊', ...action } as CaseAction);
          },
          documentIssued: async (document) => {
            await engine.recordDocument(caseId, { ...document, issuedBy: '谢勇（principal）' });
          },
          refused: async (action) => {
            const outcome = await engine.act(caseId, { actor: '吴家俊', ...action } as CaseAction).then(
              () => undefined,
              (err: unknown) => err,
            );
            if (!(outcome instanceof ActionRefusedError)) throw new Error(`${name}: ${action.type} was expected to be refused, got ${String(outcome)}`);
          },
          until: async ({ stage, event }) => {
            for (const end = Date.now() + 60_000; Date.now() < end; await sleep(100)) {
              if (stage && projection.stage.get(caseId) === stage) return;
              if (event && projection.events.get(caseId)?.some((e) => e.type === event)) return;
            }
            throw new Error(`${name}: never reached ${stage ?? event}`);
          },
          pause: sleep,
          leaveOpen: () => {
            open = true;
          },
          lastEventId: (type) => {
            const found = [...(projection.events.get(caseId) ?? [])].reverse().find((e) => e.type === type);
            if (!found) throw new Error(`${name}: no ${type} event yet`);
            return found.id;
          },
        };
        await path(run);
        const handle = client.workflow.getHandle(caseWorkflowId(caseId));
        if (!open) await handle.result();
        const file = writeHistory(join(dir, `${name}.json`), await handle.fetchHistory());
        if (open) await handle.terminate('recorded while open');
        return `${file} (${projection.events.get(caseId)?.length ?? 0} case events)`;
      }),
    );
    console.log(`recorded ${written.length} histories in ${((Date.now() - started) / 1000).toFixed(1)} s:\n  ${written.join('\n  ')}`);
  } finally {
    worker.shutdown();
    await running;
    await server.stop();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
