/**
 * The audit log's kinds in words (审计记录的操作), for the audit page and its filter: every kind of
 * AUDIT_KINDS has a label (the type makes a new kind without one a compile error).
 */
import type { AuditKind } from '../../read-model/entities';
import type { Label } from '../../workflows/vocabulary';

export const AUDIT_KIND_LABELS: Record<AuditKind, Label> = {
  LOGIN: { zh: '登录', en: 'Logged in' },
  LOGIN_FAILED: { zh: '登录失败', en: 'Failed log-in' },
  LOGIN_LOCKED: { zh: '账号被暂时锁定', en: 'Account locked for a while' },
  LIST_CASES: { zh: '查看案件列表', en: 'Listed cases' },
  READ_CASE: { zh: '查看案件', en: 'Read a case' },
  REPORT_CASE: { zh: '上报立案', en: 'Reported a dropout' },
  ACT: { zh: '办理案件', en: 'Acted on a case' },
  READ_AUDIT: { zh: '查看审计记录', en: 'Read the audit log' },
  REQUEST: { zh: '其他请求', en: 'Other request' },
  REGISTER_CHILD: { zh: '登记儿童', en: 'Registered a child' },
  LIST_CHILDREN: { zh: '查看儿童名册', en: 'Listed the registry' },
  READ_CHILD: { zh: '查看儿童信息', en: 'Read a child' },
  UPDATE_CHILD: { zh: '更正儿童信息', en: 'Corrected a child' },
  IMPORT_LEDGER: { zh: '导入台账', en: 'Imported the ledger' },
  EXPORT_LEDGER: { zh: '导出台账', en: 'Exported the ledger' },
  IMPORT_SOURCE: { zh: '导入四查名单', en: 'Imported a source list' },
  WRITE_REFUSED: { zh: '拒绝改动（范围外的儿童）', en: 'Write refused (child outside the scope)' },
  REFRESH: { zh: '续期登录', en: 'Renewed the session' },
  LOGOUT: { zh: '退出登录', en: 'Logged out' },
  CHANGE_PASSWORD: { zh: '修改本人密码', en: 'Changed own password' },
  LIST_ACCOUNTS: { zh: '查看账号列表', en: 'Listed accounts' },
  READ_ACCOUNT: { zh: '查看账号', en: 'Read an account' },
  CREATE_ACCOUNT: { zh: '新建账号', en: 'Created an account' },
  UPDATE_ACCOUNT: { zh: '修改账号', en: 'Changed an account' },
  RESET_PASSWORD: { zh: '重置密码', en: 'Reset a password' },
  REPLAY: { zh: '重复请求（按幂等键返回原结果）', en: 'Repeated request (answered from its idempotency key)' },
};
