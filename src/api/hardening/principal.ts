/**
 * Who a request is, for rate limits and idempotency keys: the logged-in user (the auth guard puts
 * it on `request.user`; guards run before interceptors, so it is there when we look), otherwise
 * the client's IP address, worked out exactly as the audit log does (src/api/audit/client-ip.ts:
 * the connection's address, or behind BAOXUE_TRUST_PROXY proxies the X-Forwarded-For entry that
 * many steps from the right).
 */
import { clientIp as auditClientIp } from '../audit/client-ip';

export interface RequestWithClient {
  socket?: { remoteAddress?: string };
  headers?: Record<string, string | string[] | undefined>;
  user?: unknown;
}

const USER_ID_FIELDS = ['id', 'sub', 'userId', 'username'] as const;

export function principalOf(req: RequestWithClient, trustProxyHops = 0): string {
  const user = req.user as Record<string, unknown> | null | undefined;
  if (user && typeof user === 'object') {
    for (const field of USER_ID_FIELDS) {
      const value = user[field];
      if ((typeof value === 'string' && value !== '') || typeof value === 'number') return `user:${value}`;
    }
  }
  return `ip:${clientIp(req, trustProxyHops)}`;
}

export function clientIp(req: RequestWithClient, trustProxyHops = 0): string {
  return auditClientIp(req.socket?.remoteAddress, req.headers?.['x-forwarded-for'], trustProxyHops) ?? 'unknown';
}
