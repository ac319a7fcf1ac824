/**
 * OpenTelemetry traces (docs/operations.md: Traces): an HTTP span per API request, then the
 * Temporal SDK's own interceptors on the client (start, update), the workflow (run, update,
 * activity start) and the worker's activities (the projection), all in one trace, exported over
 * OTLP/HTTP to `OTEL_EXPORTER_OTLP_ENDPOINT`. Without that setting this module is not even loaded
 * (index.ts): no tracer, no interceptor, the workflow bundle without the tracing interceptors.
 *
 * What leaves the process is the span names, ids and timings and a short list of attributes
 * (privacy-exporter.ts): never a child's name or ID number, a path with its ids, a query string,
 * an error message or a stack trace.
 */
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  makeWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { InjectedSinks, WorkerInterceptors } from '@temporalio/worker';
import { PrivacySpanExporter } from './privacy-exporter';

export interface TracingOptions {
  /** OTLP/HTTP base address, as OTEL_EXPORTER_OTLP_ENDPOINT: spans go to `<endpoint>/v1/traces`. */
  endpoint: string;
  /** `service.name` of this process's spans: baoxue-api, baoxue-worker or baoxue (both). */
  serviceName: string;
}

interface Req {
  method: string;
  baseUrl?: string;
  route?: { path?: string };
  headers: Record<string, string | string[] | undefined>;
  on?: unknown;
}
interface Res {
  statusCode: number;
  locals: Record<string, unknown>;
  on(event: 'finish' | 'close', listener: () => void): unknown;
}

export class Tracing {
  private readonly provider: NodeTracerProvider;
  private readonly processor: SpanProcessor;
  private readonly resource: Resource;

  constructor(readonly options: TracingOptions) {
    this.resource = new Resource({ 'service.name': options.serviceName });
    const exporter = new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/+$/, '')}/v1/traces` });
    this.processor = new BatchSpanProcessor(new PrivacySpanExporter(exporter));
    this.provider = new NodeTracerProvider({ resource: this.resource, spanProcessors: [this.processor] });
    // Process-wide, like the Temporal runtime: the SDK's interceptors find the tracer and the
    // AsyncLocalStorage context (which carries the HTTP span into the Temporal call) through it.
    this.provider.register();
  }

  /** For every Temporal client of the process: start and update carry the active trace in their headers. */
  clientInterceptors(): { workflow: WorkflowClientInterceptor[] } {
    return { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
  }

  /** The worker's activity interceptors (the projection's RunActivity span) and the sink of the workflow's spans. */
  workerOptions(): { interceptors: WorkerInterceptors; sinks: InjectedSinks<Record<string, never>> } {
    return {
      interceptors: {
        activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })],
      },
      // Spans made inside the workflow sandbox reach the exporter through this sink (never during replay).
      sinks: { exporter: makeWorkflowExporter(this.processor, this.resource) } as unknown as InjectedSinks<Record<string, never>>,
    };
  }

  /**
   * The server span of a request, first of all middleware: continues a `traceparent` the proxy
   * sent, is the active context while Nest handles the request (so the Temporal call is its
   * child), and is named by the route's pattern once routed (`POST /api/cases/:id/actions`).
   */
  middleware() {
    const tracer = trace.getTracer('baoxue-api');
    return (req: Req, res: Res, next: () => void) => {
      const parent = propagation.extract(context.active(), req.headers);
      const span = tracer.startSpan(`${req.method} unmatched`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } }, parent);
      const active = trace.setSpan(parent, span);
      res.locals.traceId = span.spanContext().traceId; // for the request's log line (src/metrics/request-log.ts)
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        const route = req.route?.path ? `${req.baseUrl ?? ''}${req.route.path}` : 'unmatched';
        span.updateName(`${req.method} ${route}`);
        span.setAttribute('http.route', route);
        span.setAttribute('http.response.status_code', res.statusCode);
        if (typeof res.locals.errorCode === 'string') span.setAttribute('baoxue.error_code', res.locals.errorCode);
        if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      };
      res.on('finish', end);
      res.on('close', end);
      // The request's stream events (the body parser) run in the span's context too.
      context.bind(active, req as never);
      context.with(active, next);
    };
  }

  /** Sends what is buffered, then stops; the process-wide registration goes, so a later start begins clean. */
  async shutdown(): Promise<void> {
    await this.provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  }
}
