/**
 * One JSON line per request on stdout (BAOXUE_LOG_FORMAT=json), for a log collector: time, request
 * id (from X-Request-Id when the proxy sends a sane one, else new; echoed in the answer), method,
 * route pattern, status, duration, the error code, the user's account id. Never a path with its
 * ids, a query string, a body, a name or an ID number: what a request carries about a child stays
 * out of the logs.
 */
import { randomUUID } from 'node:crypto';

export type LogFormat = 'text' | 'json';

export interface RequestLogOptions {
  format: LogFormat;
  /** Where the lines go; default stdout. */
  write?: (line: string) => void;
}

export interface RequestLogFields {
  requestId: string;
  method: string;
  route: string;
  status: number;
  durationMs: number;
  code?: string;
  user?: string;
  /** The request's OpenTelemetry trace, when traces are on (src/tracing). */
  traceId?: string;
}

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export function requestIdOf(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given && SANE_REQUEST_ID.test(given) ? given : randomUUID();
}

export function writeRequestLog(options: RequestLogOptions | undefined, fields: RequestLogFields): void {
  if (options?.format !== 'json') return;
  const line = JSON.stringify({ time: new Date().toISOString(), level: fields.status >= 500 ? 'error' : fields.status >= 400 ? 'warn' : 'info', msg: 'request', ...fields });
  (options.write ?? ((l: string) => process.stdout.write(`${l}\n`)))(line);
}
