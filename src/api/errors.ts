/**
 * Every error the API answers, with its stable code, HTTP status and the message a caseworker
 * reads (Chinese) and its English twin. The one exception filter turns anything thrown into
 * { statusCode, code, message, messageEn, details?, path, timestamp }; the OpenAPI description
 * lists this table. Codes are a contract: add new ones, never rename.
 */

export interface ErrorSpec {
  status: number;
  zh: string;
  en: string;
}

export const ERRORS = {
  'REQUEST.VALIDATION_FAILED': { status: 400, zh: '提交的内容有误，请按提示修改', en: 'The request is not valid' },
  'REQUEST.INVALID_JSON': { status: 400, zh: '提交的内容不是有效的 JSON', en: 'The request body is not valid JSON' },
  'REQUEST.INVALID': { status: 400, zh: '请求有误', en: 'The request is not valid' },
  'REQUEST.TOO_LARGE': { status: 413, zh: '提交的内容过大', en: 'The request body is too large' },
  'REQUEST.UNSUPPORTED_MEDIA_TYPE': { status: 415, zh: '请以 JSON 格式提交', en: 'Send the body as application/json' },
  'REQUEST.RATE_LIMITED': { status: 429, zh: '请求过于频繁，请稍后再试', en: 'Too many requests; try again later' },
  'IDEMPOTENCY.KEY_INVALID': {
    status: 400,
    zh: 'Idempotency-Key 格式不正确（1-200 个可见 ASCII 字符，建议使用 UUID）',
    en: 'The Idempotency-Key is not valid (1-200 visible ASCII characters; a UUID is best)',
  },
  'IDEMPOTENCY.KEY_REUSED': {
    status: 422,
    zh: '该 Idempotency-Key 已用于另一个不同的请求，新的请求请使用新的 Key',
    en: 'This Idempotency-Key was used for a different request; use a new key for a new request',
  },
  'IDEMPOTENCY.IN_PROGRESS': {
    status: 409,
    zh: '使用同一 Idempotency-Key 的请求正在处理中，请稍后重试',
    en: 'A request with this Idempotency-Key is still being processed; retry shortly',
  },
  'ROUTE.NOT_FOUND': { status: 404, zh: '没有这个接口地址', en: 'No such route' },
  'ROUTE.METHOD_NOT_ALLOWED': { status: 405, zh: '该接口地址不支持此请求方法', en: 'This route does not answer this method' },
  'AUTH.REQUIRED': {
    status: 401,
    zh: '请先登录（请求头 Authorization: Bearer <令牌>）',
    en: 'Log in first (send Authorization: Bearer <token>)',
  },
  'AUTH.INVALID_TOKEN': { status: 401, zh: '登录已失效，请重新登录', en: 'The token is not valid or has expired; log in again' },
  'AUTH.INVALID_CREDENTIALS': { status: 401, zh: '用户名或密码不正确', en: 'Wrong user name or password' },
  'AUTH.ACCOUNT_LOCKED': {
    status: 429,
    zh: '该账号密码错误次数过多，已暂时锁定，请稍后再试；忘记密码请联系管理员',
    en: 'Too many wrong passwords for this account: it is locked for a while; try again later, or ask the administrator',
  },
  'AUTH.INVALID_REFRESH_TOKEN': {
    status: 401,
    zh: '登录已结束，请重新登录',
    en: 'The session has ended (the refresh token is not valid, used, revoked or expired); log in again',
  },
  'AUTH.PASSWORD_CHANGE_REQUIRED': {
    status: 403,
    zh: '请先修改密码：管理员设置的一次性密码必须在首次登录时改掉',
    en: 'Change your password first: a one-time password set by the administrator must be changed at the first log-in',
  },
  'AUTH.WRONG_PASSWORD': { status: 400, zh: '原密码不正确', en: 'The current password is wrong' },
  'AUTH.WEAK_PASSWORD': {
    status: 400,
    zh: '新密码不符合要求：至少 10 个字符，包含字母和数字，不能与用户名或原密码相同',
    en: 'The new password is too weak: at least 10 characters, letters and digits, not the user name or the old password',
  },
  'AUTH.FORBIDDEN': { status: 403, zh: '您的岗位无权进行此操作', en: 'Your role may not do this' },
  'AUDIT.UNAVAILABLE': {
    status: 503,
    zh: '审计记录暂时无法写入，为保护儿童信息，本次请求未执行，请稍后重试',
    en: 'The audit log cannot be written; to protect the children’s data the request was not served, try again later',
  },
  'CASE.INVALID_ID': { status: 400, zh: '案件编号格式不正确', en: 'The case id is not a valid UUID' },
  'CASE.NOT_FOUND': { status: 404, zh: '找不到该案件', en: 'No such case' },
  'CASE.ALREADY_OPEN': {
    status: 409,
    zh: '该儿童已有未结案件（一人一案），请在原案件中继续办理',
    en: 'The child already has an open case (one child, one case); continue in that case',
  },
  'CASE.ACTION_NOT_ALLOWED': { status: 409, zh: '案件当前阶段不能进行此操作', en: 'The case does not allow this action now' },
  'CASE.CLOSED': { status: 409, zh: '案件已结束，不能再办理', en: 'The case has ended; no more actions are possible' },
  'LEDGER.FILE_REQUIRED': { status: 400, zh: '请上传台账文件', en: 'Upload the ledger file' },
  'LEDGER.UNSUPPORTED_FILE': { status: 400, zh: '不支持的文件类型，请导入 .xlsx 或 .csv 文件', en: 'Unsupported file type; import an .xlsx or .csv file' },
  'LEDGER.LAYOUT_INVALID': { status: 400, zh: '文件的表头不符合台账格式', en: 'The file does not have the ledger’s header row' },
  'LEDGER.UNPACKED_TOO_LARGE': {
    status: 413,
    zh: '文件解压后过大，未导入；请检查文件，或分成几个文件导入',
    en: 'The file unpacks to more than the limit; not imported. Check the file, or split it',
  },
  'LEDGER.TOO_MANY_ROWS': { status: 413, zh: '文件行数过多，未导入；请分成几个文件导入', en: 'The file has more rows than the limit; not imported. Split it into several files' },
  'LEDGER.IMPORT_NOT_FOUND': { status: 404, zh: '找不到该导入任务', en: 'No such import job' },
  'LEDGER.ROWS_INVALID': { status: 422, zh: '有不符合要求的行，未导入任何数据', en: 'Some rows are not valid; nothing was imported' },
  'SOURCE.FILE_REQUIRED': { status: 400, zh: '请上传文件（户籍、学籍、考勤或脱贫/监测户名单）', en: 'Upload the file (household register, school roll, attendance or poverty-monitoring list)' },
  'SOURCE.KIND_INVALID': { status: 400, zh: '请选择文件的种类：户籍、学籍、考勤或脱贫/监测户名单', en: 'Say which source the file is: HOUSEHOLD_REGISTER, SCHOOL_ROLL, ATTENDANCE or POVERTY_LIST' },
  'SOURCE.SCHOOL_REQUIRED': { status: 400, zh: '请选择学校：学籍和考勤按学校分别导入', en: 'Choose the school: rolls and attendance are imported school by school' },
  'SOURCE.LAYOUT_INVALID': { status: 400, zh: '文件的表头不符合该种名单的格式', en: 'The file does not have the header row of this kind of source' },
  'SOURCE.ROWS_INVALID': { status: 422, zh: '有不符合要求的行，未导入任何数据', en: 'Some rows are not valid; nothing was imported' },
  'SOURCE.IMPORT_NOT_FOUND': { status: 404, zh: '找不到该导入', en: 'No such import' },
  'CHILD.INVALID_ID': { status: 400, zh: '儿童编号格式不正确', en: 'The child id is not a valid UUID' },
  'CHILD.NOT_FOUND': { status: 404, zh: '找不到该儿童', en: 'No such child' },
  'CHILD.ALREADY_REGISTERED': {
    status: 409,
    zh: '该身份证号码已在本镇儿童名册中，请更正原记录',
    en: "The ID number is already on the town's registry; correct that record",
  },
  'CHILD.DIFFERS_FROM_REGISTRY': {
    status: 409,
    zh: '该儿童已在本镇儿童名册中，所填信息与名册不一致；请先更正名册，或按 childId 报告',
    en: "The child is on the town's registry with other details; correct the registry first, or report by childId",
  },
  'CHILD.HANDLED_ELSEWHERE': {
    status: 409,
    zh: '该儿童由其他单位负责，请与镇统筹负责人联系',
    en: "This child is handled by another unit; contact the town's coordinator",
  },
  'ACCOUNT.INVALID_ID': { status: 400, zh: '账号编号格式不正确', en: 'The account id is not a valid UUID' },
  'ACCOUNT.NOT_FOUND': { status: 404, zh: '本镇没有这个账号', en: 'No such account in your town' },
  'ACCOUNT.USERNAME_TAKEN': {
    status: 409,
    zh: '该用户名已被使用（用户名在全县唯一），请换一个',
    en: 'This user name is taken (user names are unique across the deployment); choose another',
  },
  'ACCOUNT.PLACE_REQUIRED': {
    status: 400,
    zh: '该岗位须填写所在单位：校长填学校，班主任填学校、年级和班级，村干部填责任区',
    en: 'The role needs its place: a principal a school, a class teacher school, grade and class, a village role an area',
  },
  'ACCOUNT.OWN_ACCOUNT': {
    status: 409,
    zh: '不能停用自己的账号或取消自己的管理员岗位（本镇将没有人能管理账号）；修改自己的密码请用"修改密码"',
    en: 'You cannot switch off your own account or drop your own administrator role (nobody would administer the town); change your own password with the own-password change',
  },
  'AREA.UNKNOWN': { status: 400, zh: '没有这个责任区', en: 'Unknown responsibility area' },
  'SCHOOL.UNKNOWN': { status: 400, zh: '没有这所学校', en: 'Unknown school' },
  'TRANSFER.TOWN_UNKNOWN': { status: 400, zh: '接收乡镇不是本部署的其他乡镇', en: 'The receiving town is not another town of this deployment' },
  'ACTION.UNKNOWN_TYPE': { status: 400, zh: '没有这种操作类型', en: 'Unknown action type' },
  'ACTION.INVALID': { status: 400, zh: '操作内容不符合要求', en: 'The action is not valid' },
  'ACTION.APPROVER_UNKNOWN': {
    status: 400,
    zh: '批准人不是本镇的在职用户，请填写批准人的用户名',
    en: 'The approver is not an active user of the town; give the approver’s username',
  },
  'ACTION.APPROVER_NOT_ALLOWED': {
    status: 403,
    zh: '批准人的岗位无权批准延期（只有组长、副组长、统筹负责人可以批准）',
    en: 'The approver’s role may not approve extensions (only the leader, a deputy leader or the coordinator may)',
  },
  'APPROVAL.ROLE_NOT_ALLOWED': {
    status: 403,
    zh: '您的岗位无权审批这项申请（政策规定的审批岗位见 details.approverRoles）',
    en: 'Your role may not decide this request (the policy’s approver roles are in details.approverRoles)',
  },
  'APPROVAL.OWN_REQUEST': {
    status: 403,
    zh: '不能审批自己提出的申请，请由另一位有审批权的人员决定',
    en: 'You cannot decide a request you made yourself; another approver must decide it',
  },
  'ACTION.OWNER_UNKNOWN': {
    status: 400,
    zh: '帮扶措施的负责人不是本镇的在职用户，请填写负责人的用户名',
    en: 'The owner of the support measure is not an active user of the town; give their username',
  },
  'ACTION.ASSIGNEE_UNKNOWN': {
    status: 400,
    zh: '转交对象必须是本镇的有效用户名',
    en: 'The assignee must be the user name of an active account of the same town',
  },
  'ACTION.ASSIGNEE_OUT_OF_SCOPE': {
    status: 400,
    zh: '转交对象的岗位无权查看此案件',
    en: 'The assignee’s role cannot read this case',
  },
  'NOTIFICATION.NOT_FOUND': { status: 404, zh: '找不到该通知', en: 'No such notification' },
  'CHANNEL.UNKNOWN': { status: 404, zh: '本系统没有这个通知渠道', en: 'This deployment has no such notification channel' },
  'CHANNEL.NOT_OPTIONAL': { status: 400, zh: '站内通知不能关闭', en: 'The in-app inbox cannot be turned off' },
  'ENGINE.UNAVAILABLE': {
    status: 503,
    zh: '案件流程引擎暂时不可用，请稍后重试',
    en: 'The case engine is unavailable; try again later',
  },
  'DOCUMENT.NOT_AVAILABLE': {
    status: 409,
    zh: '案件尚未办理到可以制发该文书的步骤',
    en: 'The case has not reached the step this document records',
  },
  'DOCUMENT.ALREADY_ISSUED': {
    status: 409,
    zh: '该步骤已制发过此类文书（一份文书一个文号），请下载原文书',
    en: 'A document of this kind was already issued for this step (one paper, one number); download that one',
  },
  'DOCUMENT.NUMBERED_OUTSIDE': {
    status: 409,
    zh: '该文书在办理时已登记系统外文号，不再重复制发',
    en: 'This document was numbered outside baoxue when the step was taken; no second paper is made',
  },
  'DOCUMENT.NOT_FOUND': { status: 404, zh: '找不到该文书', en: 'No such document' },
  'REPORT.NOT_FOUND': { status: 404, zh: '该月的报告尚未生成', en: 'No report for that month yet' },
  'FINDING.ITEM_NOT_FOUND': { status: 404, zh: '找不到该比对结果', en: 'No such cross-check item' },
  'FINDING.ITEM_RESOLVED': { status: 409, zh: '该比对结果已处理，不能再次处理', en: 'This cross-check item has already been dealt with' },
  'FINDING.NOT_CONFIRMABLE': { status: 409, zh: '该类比对结果不能立案', en: 'This kind of cross-check item cannot be confirmed into a case' },
  'FINDING.CHILD_INCOMPLETE': { status: 422, zh: '该儿童信息不全，不能立案', en: 'The child’s details are incomplete; no case can be opened' },
  'FINDING.LEDGER_UNKNOWN': { status: 404, zh: '没有这个台账', en: 'No such ledger' },
  'FINDING.CHECK_UNAVAILABLE': { status: 503, zh: '比对任务暂时无法启动，请稍后重试', en: 'The cross-check cannot be started now; try again later' },
  'POLICY.INVALID': { status: 400, zh: '政策文件有误，请按所列问题逐条修改', en: 'The policy file is not valid; fix each problem listed' },
  'DATABASE.UNAVAILABLE': { status: 503, zh: '数据库暂时不可用，请稍后重试', en: 'The database is unavailable; try again later' },
  'INTERNAL.ERROR': { status: 500, zh: '系统内部错误，请联系管理员', en: 'Internal error; contact the administrator' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

/** The body of every error response. */
export interface ErrorBody {
  statusCode: number;
  code: ErrorCode;
  /** For the caseworker, in Chinese. */
  message: string;
  messageEn: string;
  details?: Record<string, unknown>;
  path: string;
  timestamp: string;
}

/** An error the API answers as is: a code from ERRORS, optionally a more precise message, and details. */
export class ApiError extends Error {
  readonly status: number;
  readonly messageZh: string;
  readonly messageEn: string;
  readonly details?: Record<string, unknown>;

  constructor(
    readonly code: ErrorCode,
    options: { zh?: string; en?: string; details?: Record<string, unknown>; status?: number } = {},
  ) {
    const spec: ErrorSpec = ERRORS[code];
    super(options.en ?? spec.en);
    this.name = 'ApiError';
    this.status = options.status ?? spec.status;
    this.messageZh = options.zh ?? spec.zh;
    this.messageEn = options.en ?? spec.en;
    this.details = options.details;
  }
}

/** A Markdown table of the codes, for the OpenAPI description. */
export function errorCodesMarkdown(): string {
  const rows = ERROR_CODES.map((code) => `| \`${code}\` | ${ERRORS[code].status} | ${ERRORS[code].zh} | ${ERRORS[code].en} |`);
  return ['| code | HTTP | message | messageEn |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
