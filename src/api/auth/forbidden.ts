/** The 403 answers, naming what the role may do instead. */
import { EVENT_LABELS } from '../../workflows/vocabulary';
import type { ActionType } from '../../workflows/vocabulary';
import { ApiError } from '../errors';
import { actionsOf, readScopeLabel } from '../../access/permissions';
import { ROLE_LABELS, Role } from '../../access/roles';

export function actionForbidden(role: Role, action: ActionType): ApiError {
  const mine = actionsOf(role);
  const label = ROLE_LABELS[role];
  return new ApiError('AUTH.FORBIDDEN', {
    zh: `您的岗位（${label.zh}）不能进行"${EVENT_LABELS[action].zh}"（${action}）。您的岗位可以进行的操作：${mine.map((a) => `${EVENT_LABELS[a].zh}（${a}）`).join('、') || '无'}`,
    en: `Your role (${label.en}) may not take ${action}. Your role may take: ${mine.join(', ') || 'none'}`,
    details: { role, action, roleActions: mine },
  });
}

export function reportForbidden(role: Role): ApiError {
  const label = ROLE_LABELS[role];
  return new ApiError('AUTH.FORBIDDEN', {
    zh: `您的岗位（${label.zh}）不能报告疑似辍学；报告由学校、村（社区）和统筹、日常工作人员提出`,
    en: `Your role (${label.en}) may not report a suspected dropout; schools, villages and the coordinator or daily officer do`,
    details: { role, action: 'REPORT' },
  });
}

export function reportOutOfScope(role: Role): ApiError {
  const scope = readScopeLabel(role);
  return new ApiError('AUTH.FORBIDDEN', {
    zh: `您只能报告${scope.zh}范围内的儿童`,
    en: `You may report only children within ${scope.en}`,
    details: { role, action: 'REPORT', scope },
  });
}
