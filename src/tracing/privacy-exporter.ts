/**
 * The last step before spans leave the process: only the attributes on the list below pass, an
 * exception keeps its type and loses its message and stack, a status keeps its code and loses its
 * message. Error messages can quote data (a PostgreSQL error quotes the value it refused), and an
 * attribute added by a library tomorrow could hold anything: what is not listed here is dropped,
 * so no child's name or ID number reaches a trace backend whatever the code upstream sets.
 */
import type { Attributes } from '@opentelemetry/api';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** Ids of Temporal objects (`case-<uuid>`, run, activity, update = request id) and the HTTP figures: no personal data. */
export const ALLOWED_SPAN_ATTRIBUTES = new Set([
  'temporalWorkflowId',
  'run_id',
  'temporalActivityId',
  'temporalUpdateId',
  'http.request.method',
  'http.route',
  'http.response.status_code',
  'baoxue.error_code',
]);
const ALLOWED_EXCEPTION_ATTRIBUTES = new Set(['exception.type']);

function only(attributes: Attributes | undefined, allowed: Set<string>): Attributes {
  return Object.fromEntries(Object.entries(attributes ?? {}).filter(([key]) => allowed.has(key)));
}

export function scrubbed(span: ReadableSpan): ReadableSpan {
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanId: span.parentSpanId,
    startTime: span.startTime,
    endTime: span.endTime,
    status: { code: span.status.code },
    attributes: only(span.attributes, ALLOWED_SPAN_ATTRIBUTES),
    links: span.links.map((link) => ({ context: link.context })),
    events: span.events.map((event) => ({ name: event.name, time: event.time, attributes: only(event.attributes, ALLOWED_EXCEPTION_ATTRIBUTES) })),
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationLibrary: span.instrumentationLibrary,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

export class PrivacySpanExporter implements SpanExporter {
  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: Parameters<SpanExporter['export']>[1]): void {
    this.inner.export(spans.map(scrubbed), resultCallback);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
