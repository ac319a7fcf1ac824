/**
 * What-if rebuilds a case from its history's inputs with the case machine (src/what-if). On every
 * committed history (v1–v6, every path recorded: actions, documents, pauses, support measures,
 * the whole chain), the rebuild under the case's own policy gives the events the workflow itself
 * projected: the same sequence, types and stages, each at the instant the workflow recorded (a
 * timer's event within the moments the worker took to fire it).
 */
import { defaultPayloadConverter, Payload } from '@temporalio/common';
import { replayCase } from '../../src/what-if/forecast';
import { recordedCase } from '../../src/what-if/recorded-case';
import { projectedEvents } from '../support/workflow-history';
import { historyFiles, readHistory } from './history-files';

const decode = async <T>(payload: unknown) => defaultPayloadConverter.fromPayload<T>(payload as Payload);
const millis = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(t?.seconds ?? 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6);

describe.each(historyFiles().map((f) => [f.name, f.file]))('%s', (name, file) => {
  it('is rebuilt from its inputs into the events its workflow projected', async () => {
    const events = readHistory(file).events ?? [];
    const recorded = await recordedCase(name, [events], decode);
    const lastEventAt = millis(events[events.length - 1].eventTime);
    const rebuilt = replayCase(recorded, recorded.input.policy, lastEventAt);
    const projected = await projectedEvents(events);
    expect(rebuilt.notApplied).toEqual([]);
    expect(rebuilt.events.map((e) => [e.seq, e.type, e.stageBefore, e.stageAfter])).toEqual(projected.map((e) => [e.seq, e.type, e.stageBefore, e.stageAfter]));
    // A human step at the instant its task ran; a timer's step when it fell due, the worker a moment later.
    const late = rebuilt.events.map((e, i) => Date.parse(projected[i].occurredAt) - Date.parse(e.occurredAt));
    expect(late.filter((ms, i) => !rebuilt.events[i].automatic && ms !== 0)).toEqual([]);
    expect(late.filter((ms) => ms < 0 || ms > 5_000)).toEqual([]);
  });
});
