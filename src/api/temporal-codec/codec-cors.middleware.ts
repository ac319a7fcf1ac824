/**
 * CORS for Temporal's Web UI, which calls the codec endpoint from the browser (its origin, e.g.
 * http://localhost:8233, is not the API's). Only the configured origins get the CORS headers; the
 * preflight (OPTIONS) is answered here, before any guard, as browsers send it without credentials.
 * Credentials are allowed, so the UI's "include cross-origin credentials" setting can carry a
 * session cookie; that is why the origin is echoed, never `*`.
 */
import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import { TEMPORAL_CODEC_OPTIONS, TemporalCodecOptions } from './temporal-codec.tokens';

interface Req {
  method: string;
  headers: Record<string, string | string[] | undefined>;
}
interface Res {
  setHeader(name: string, value: string): void;
  getHeader(name: string): unknown;
  status(code: number): Res;
  end(): void;
}

/** What the UI and the CLI send: the JSON body, the namespace, and a token when configured. */
export const CODEC_ALLOWED_HEADERS = ['Content-Type', 'X-Namespace', 'Authorization'];

@Injectable()
export class CodecCorsMiddleware implements NestMiddleware {
  constructor(@Inject(TEMPORAL_CODEC_OPTIONS) private readonly options: TemporalCodecOptions) {}

  use(req: Req, res: Res, next: () => void): void {
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin.replace(/\/+$/, '') : undefined;
    const allowed = origin !== undefined && this.options.corsOrigins.includes(origin);
    const vary = res.getHeader('Vary');
    res.setHeader('Vary', vary ? `${String(vary)}, Origin` : 'Origin');
    if (allowed) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method === 'OPTIONS') {
      if (allowed) {
        res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
        res.setHeader('Access-Control-Allow-Headers', CODEC_ALLOWED_HEADERS.join(', '));
        res.setHeader('Access-Control-Max-Age', '600');
      }
      // Without the allow headers the browser refuses the real request: the answer to a stranger is the same 204.
      res.status(204).end();
      return;
    }
    next();
  }
}
