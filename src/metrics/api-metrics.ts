/**
 * What an operator watches (docs/operations.md: Metrics and logs): GET /metrics in Prometheus
 * text on the API's port, for Prometheus to scrape from every replica.
 * - the API: requests by method, route (the route's pattern, never the path with its ids) and
 *   status; their latency as a histogram by route; errors by code;
 * - the cases (domain-metrics.ts): open cases by stage, overdue, escalations in the last hour,
 *   the notification outbox's backlog; read from the read model at each scrape, so every replica
 *   reports the same figures (take `max` across replicas, not `sum`).
 * The worker's Temporal SDK metrics are on the worker's own address (BAOXUE_WORKER_METRICS_ADDRESS).
 */
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DataSource } from 'typeorm';
import { registerDomainMetrics } from './domain-metrics';
import { RequestLogOptions, requestIdOf, writeRequestLog } from './request-log';

export const METRICS_PATH = '/metrics';

interface Req {
  method: string;
  path: string;
  originalUrl?: string;
  baseUrl?: string;
  route?: { path?: string };
  headers: Record<string, string | string[] | undefined>;
  user?: { id?: string };
}
interface Res {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  getHeader(name: string): unknown;
  locals?: Record<string, unknown>;
  on(event: 'finish', listener: () => void): unknown;
  status(code: number): Res;
  type(type: string): Res;
  send(body: string): unknown;
}

export interface ApiMetricsOptions {
  dataSource: DataSource;
  requestLog?: RequestLogOptions;
}

/** The route's pattern for a label: bounded (one per route), never a case or child id. */
function routeOf(req: Req): string {
  return req.route?.path ? `${req.baseUrl ?? ''}${req.route.path}` : 'unmatched';
}

export class ApiMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'baoxue_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'baoxue_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly errors = new Counter({
    name: 'baoxue_http_errors_total',
    help: 'Error answers (4xx and 5xx), by status and error code of the API',
    labelNames: ['status', 'code'] as const,
    registers: [this.registry],
  });

  constructor(private readonly options: ApiMetricsOptions) {
    collectDefaultMetrics({ register: this.registry, prefix: 'baoxue_api_' });
    registerDomainMetrics(this.registry, options.dataSource);
  }

  /** Before everything else: a request id on every request and answer, then its count, latency and log line. */
  middleware() {
    return (req: Req, res: Res, next: () => void) => {
      const started = process.hrtime.bigint();
      const requestId = requestIdOf(req.headers['x-request-id']);
      res.setHeader('X-Request-Id', requestId);
      (req as Req & { requestId?: string }).requestId = requestId;
      res.on('finish', () => {
        if ((req.originalUrl ?? req.path).split('?')[0] === METRICS_PATH) return; // Prometheus' own scrapes would drown the rest
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const route = routeOf(req);
        const status = res.statusCode;
        this.requests.inc({ method: req.method, route, status: String(status) });
        this.latency.observe({ method: req.method, route }, seconds);
        const code = (res.locals?.errorCode as string | undefined) ?? undefined;
        if (status >= 400) this.errors.inc({ status: String(status), code: code ?? 'NONE' });
        writeRequestLog(this.options.requestLog, {
          requestId,
          method: req.method,
          route,
          status,
          durationMs: Math.round(seconds * 1000 * 10) / 10,
          ...(code ? { code } : {}),
          ...(typeof res.locals?.traceId === 'string' ? { traceId: res.locals.traceId } : {}),
          ...(req.user?.id ? { user: req.user.id } : {}),
        });
      });
      next();
    };
  }

  /** GET /metrics: no log-in (a Prometheus scraper has none); it shows counts, never a person. Keep it inside the network. */
  mount(app: INestApplication): void {
    const express = app as unknown as NestExpressApplication;
    express.use(this.middleware());
    express.use(METRICS_PATH, (req: Req, res: Res, next: () => void) => {
      if (req.method !== 'GET' || (req.path !== '/' && req.path !== '')) return next();
      this.registry.metrics().then(
        (text) => res.status(200).type(this.registry.contentType).send(text),
        (err: Error) => res.status(503).type('text/plain').send(`# metrics unavailable: ${err.message}\n`),
      );
    });
  }
}
