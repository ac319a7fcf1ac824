/**
 * An in-memory CaseEngine for HTTP-layer tests: records what the API asked, answers like the
 * engine would (a snapshot and one event per action), and can be told to fail or refuse.
 */
import type { CaseEngine } from '../../src/api/case-engine.port';
import { CaseNotFoundError } from '../../src/api/case-engine.port';
import type { ActionResult, CaseAction, CaseEvent, CaseFacts, CaseSnapshot, IssuedDocument } from '../../src/workflows/messages';
import { ACTION_TYPES, ActionType } from '../../src/workflows/vocabulary';
import { loadPolicy } from '../../src/policy/load-policy';
import type { RecordedCase } from '../../src/what-if/recorded-case';

export class FakeCaseEngine implements CaseEngine {
  readonly started: CaseFacts[] = [];
  readonly actions: Array<{ caseId: string; action: CaseAction }> = [];
  private readonly snapshots = new Map<string, CaseSnapshot>();
  /** Thrown by the next startCase (then cleared). */
  failNextStart?: Error;
  /** Thrown by every act while set. */
  refuseWith?: Error;
  /** What health() answers. */
  healthy: { ok: boolean; detail?: string } = { ok: true };
  /** Allowed actions the fake reports in snapshots. */
  allowedActions: ActionType[] = [...ACTION_TYPES];

  async startCase(facts: CaseFacts): Promise<CaseSnapshot> {
    if (this.failNextStart) {
      const error = this.failNextStart;
      this.failNextStart = undefined;
      throw error;
    }
    this.started.push(facts);
    this.snapshots.set(facts.caseId, {
      ...facts,
      policyVersion: 'fake-1',
      stage: 'HOME_VISIT',
      open: true,
      paused: false,
      stageEnteredAt: facts.openedAt,
      followUpCompleted: false,
      allowedActions: this.allowedActions,
      lastSeq: 1,
    });
    return this.snapshots.get(facts.caseId)!;
  }

  async act(caseId: string, action: CaseAction): Promise<ActionResult> {
    this.actions.push({ caseId, action });
    if (this.refuseWith) throw this.refuseWith;
    const before = this.snapshots.get(caseId);
    if (!before) throw new CaseNotFoundError(caseId);
    const seq = before.lastSeq + 1;
    const snapshot: CaseSnapshot = { ...before, lastSeq: seq, paused: action.type === 'PAUSE' ? true : action.type === 'RESUME' ? false : before.paused };
    this.snapshots.set(caseId, snapshot);
    const { type, actor, ...data } = action;
    const event: CaseEvent = {
      id: `${caseId}:${seq}`,
      caseId,
      seq,
      type,
      automatic: false,
      actor,
      reason: 'reason' in action ? action.reason : (action.note ?? ''),
      stageBefore: before.stage,
      stageAfter: snapshot.stage,
      occurredAt: new Date().toISOString(),
      data,
    };
    return { snapshot, events: [event] };
  }

  readonly documents: Array<{ caseId: string; document: IssuedDocument }> = [];

  /** Records the call; the HTTP tests' cases live in the read model only, so no snapshot is needed. */
  async recordDocument(caseId: string, document: IssuedDocument): Promise<ActionResult> {
    this.documents.push({ caseId, document });
    if (this.refuseWith) throw this.refuseWith;
    return { snapshot: this.snapshots.get(caseId) ?? ({ caseId } as CaseSnapshot), events: [] };
  }

  /** The fake keeps no history: a what-if over it sees its started cases with no inputs since. */
  async recordedCase(caseId: string): Promise<RecordedCase> {
    const facts = this.started.find((f) => f.caseId === caseId);
    if (!facts) throw new CaseNotFoundError(caseId);
    return { caseId, input: { facts, policy: loadPolicy() }, startedAt: Date.parse(facts.openedAt), steps: [] };
  }

  async health(): Promise<{ ok: boolean; detail?: string }> {
    return this.healthy;
  }
}
