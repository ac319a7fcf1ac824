import { SetMetadata } from '@nestjs/common';
import type { AuditKind } from '../../read-model/entities';

export const AUDIT_KIND = 'baoxue:audit';

/**
 * Names what a route does in the audit log. Routes without it are audited too, as REQUEST: the
 * interceptor records every request a controller handles, so no route can be forgotten.
 */
export const Audit = (what: AuditKind) => SetMetadata(AUDIT_KIND, what);

/** The one exception: a route that touches no one's data and is polled (GET /api/health). */
export const NoAudit = () => SetMetadata(AUDIT_KIND, false);
