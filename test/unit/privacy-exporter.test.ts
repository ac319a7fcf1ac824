/**
 * The span filter before export (src/tracing/privacy-exporter.ts): listed attributes pass, any
 * other is dropped, an exception keeps its type only, a status its code only.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { PrivacySpanExporter } from '../../src/tracing/privacy-exporter';

it('passes the listed attributes and drops every other, an error message and a stack trace', () => {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new PrivacySpanExporter(memory))] });
  const span = provider.getTracer('test').startSpan('RunActivity:projectCase');
  span.setAttribute('temporalWorkflowId', 'case-0b6f');
  span.setAttribute('http.route', '/api/cases/:id');
  span.setAttribute('child.name', '李小花');
  span.setAttribute('url.full', '/api/children?idNumber=500235201206010028');
  span.recordException(new Error('invalid input syntax: "500235201206010028"'));
  span.setStatus({ code: SpanStatusCode.ERROR, message: '李小花 not found' });
  span.end();

  const [sent] = memory.getFinishedSpans() as ReadableSpan[];
  expect(sent.name).toBe('RunActivity:projectCase');
  expect(sent.attributes).toEqual({ temporalWorkflowId: 'case-0b6f', 'http.route': '/api/cases/:id' });
  expect(sent.events).toEqual([expect.objectContaining({ name: 'exception', attributes: { 'exception.type': 'Error' } })]);
  expect(sent.status).toEqual({ code: SpanStatusCode.ERROR });
  expect(sent.spanContext().traceId).toBe(span.spanContext().traceId);
  const text = JSON.stringify({ ...sent, resource: undefined });
  expect(text).not.toContain('500235201206010028');
  expect(text).not.toContain('李小花');
});
