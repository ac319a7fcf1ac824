import { SetMetadata } from '@nestjs/common';
import { ApiError } from '../errors';
import { ROLE_LABELS, Role } from '../../access/roles';

export const REQUIRED_ROLES = 'baoxue:required-roles';

/**
 * Only these roles may call the route (others: 403 AUTH.FORBIDDEN). Checked inside the audit
 * interceptor (src/api/audit/audit.interceptor.ts), so a refusal is recorded like any other answer.
 * Scope rules that depend on a case (which case, which action) live in the services instead.
 */
export const RequireRoles = (...roles: readonly Role[]) => SetMetadata(REQUIRED_ROLES, roles);

export function roleForbidden(role: Role, allowed: readonly Role[]): ApiError {
  return new ApiError('AUTH.FORBIDDEN', {
    zh: `您的岗位（${ROLE_LABELS[role]?.zh ?? role}）无权使用此功能，仅限：${allowed.map((r) => ROLE_LABELS[r].zh).join('、')}`,
    en: `Your role (${ROLE_LABELS[role]?.en ?? role}) may not use this; only ${allowed.join(', ')}`,
    details: { role, allowedRoles: allowed },
  });
}
