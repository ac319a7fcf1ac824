/*
 * Every action type of POST /api/cases/:id/actions as a form: its fields, and how the typed values
 * become the body. test/web/case-actions.test.ts checks this table against the API's DTOs
 * (src/api/cases/act-on-case/action.dtos.ts): every type has a form, every field of the DTO is
 * there, and nothing else. The API answers which types the viewer may take now (allowedActions).
 */
import { todayInChina } from '../shell/core.js';

const OUTCOMES = [
  { value: 'NOT_RETURNED', label: ['未返校', 'Not back at school'] },
  { value: 'RETURNED', label: ['已返校', 'Back at school'] },
];
const MEASURES = [
  { value: 'TUTORING', label: ['帮扶辅导（因材施教）', 'Tutoring and support plan'] },
  { value: 'EDUCATION_AID', label: ['教育资助', 'Education aid'] },
  { value: 'HOME_DELIVERED_EDUCATION', label: ['送教上门', 'Home-delivered education'] },
  { value: 'OTHER', label: ['其他帮扶', 'Other support'] },
];
export const OUTCOMES_OF_MEASURE = {
  TUTORING: ['DONE', 'REFUSED'],
  EDUCATION_AID: ['GRANTED', 'REFUSED', 'NOT_ELIGIBLE'],
  HOME_DELIVERED_EDUCATION: ['DELIVERED', 'REFUSED', 'NOT_ELIGIBLE'],
  OTHER: ['DONE', 'REFUSED'],
};
export const SUPPORT_OUTCOME_LABELS = {
  DONE: ['已完成', 'Done'],
  GRANTED: ['已资助', 'Granted'],
  REFUSED: ['家庭拒绝', 'Refused'],
  NOT_ELIGIBLE: ['不符合条件', 'Not eligible'],
  DELIVERED: ['已送教上门（视同在籍）', 'Delivered (counts as enrolled)'],
};

const note = { name: 'note', type: 'textarea', label: ['情况说明', 'Note'] };
/** What a request for approval may ask (src/workflows/approvals.ts); the engine refuses one the case is not ready for, naming those it is. */
export const APPROVAL_DECISIONS = [
  { value: 'CLOSURE', label: ['销号', 'Closure'] },
  { value: 'JUDICIAL', label: ['进入司法文书环节', 'Entering the judicial stage'] },
  { value: 'EXTENSION', label: ['超限延期', 'Extension beyond the policy limit'] },
  { value: 'EXEMPTION', label: ['缓学/休学', 'Exemption (deferral or suspension)'] },
];
const pendingApproval = { name: 'approvalId', type: 'select', required: true, label: ['待审批的申请', 'Request to decide'], options: [], fromCase: 'pendingApprovals' };
const reason = (zh, en, hint) => ({ name: 'reason', type: 'textarea', required: true, label: [zh, en], hint, maxlength: 500 });
/** A day that already happened: not after today, not before the case (the API checks it too). */
const pastDay = (name, zh, en) => ({ name, type: 'date', label: [zh, en], past: true });

/**
 * type → { fields, main } (main: the stage's own work, whose form opens first). Field extras:
 * past (a day that happened), toInstant ('endOfDay' | 'local': the input becomes an instant in China time),
 * toNumber (sent as a number).
 */
export const ACTION_FORMS = {
  RECORD_HOME_VISIT: { main: true, fields: [{ name: 'outcome', type: 'select', required: true, options: OUTCOMES, label: ['家访结果', 'Outcome of the visit'] }, pastDay('visitedOn', '家访日期', 'Day of the visit'), note] },
  RECORD_PERSUASION: { main: true, fields: [{ name: 'outcome', type: 'select', required: true, options: OUTCOMES, label: ['劝返结果', 'Outcome'] }, note] },
  PERSUASION_REFUSED: { main: true, fields: [reason('拒绝情况', 'What was refused', ['如：监护人明确拒绝送孩子返校', 'e.g. the guardian refuses outright']), note] },
  ISSUE_CORRECTION_ORDER: {
    main: true,
    fields: [
      { name: 'orderNumber', label: ['系统外文号', 'Number given outside'], maxlength: 100, hint: ['留空：由本系统编号并制发通知书（推荐）', 'Leave empty: the system numbers and issues the order (recommended)'] },
      { name: 'correctWithin', label: ['改正期限', 'Time allowed to correct'], hint: ['如 15d（15 天）；留空按政策', 'e.g. 15d (15 days); empty: the policy’s'], maxlength: 10 },
      note,
    ],
  },
  ISSUE_JUDICIAL_DOCUMENT: { main: true, fields: [{ name: 'documentNumber', required: true, label: ['司法文书编号', 'Document number'], maxlength: 100, hint: ['如：故司督〔2026〕1号', 'e.g. 故司督〔2026〕1号'] }, pastDay('issuedOn', '发放日期', 'Day issued'), note] },
  REFER_LEGAL_LIABILITY: { main: true, fields: [reason('移送理由', 'Why the case is serious'), note] },
  RECORD_LEGAL_OUTCOME: { main: true, fields: [{ name: 'outcome', type: 'textarea', required: true, label: ['处理结果', 'Outcome of the referral'], maxlength: 2000 }, note] },
  RECORD_RETURN: { main: true, fields: [pastDay('returnedOn', '返校日期', 'Day back at school'), note] },
  RECORD_RELAPSE: { fields: [reason('再次辍学情况', 'What happened'), note] },
  APPROVE_CLOSURE: { main: true, fields: [note] },
  PAUSE: { fields: [reason('暂停原因', 'Why the clocks stop', ['如：住院治疗', 'e.g. in hospital']), note] },
  RESUME: { fields: [note] },
  EXTEND_DEADLINE: {
    fields: [
      { name: 'newDueAt', type: 'date', required: true, label: ['新的期限', 'New due date'], toInstant: 'endOfDay', future: true, hint: ['当天 17:00（北京时间）', '17:00 China time that day'] },
      reason('延期理由', 'Why'),
      { name: 'approver', required: true, label: ['批准人用户名', 'Approver (user name)'], maxlength: 100, hint: ['组长、副组长或统筹负责人', 'a leader, deputy leader or the coordinator'] },
      note,
    ],
  },
  REASSIGN: { fields: [{ name: 'assignee', required: true, label: ['新的负责人用户名', 'New person in charge (user name)'], maxlength: 100 }, reason('转交原因', 'Why'), note] },
  ADD_NOTE: { fields: [{ name: 'note', type: 'textarea', required: true, label: ['备注', 'Note'], maxlength: 2000 }] },
  ADD_SUPPORT: {
    fields: [
      { name: 'measure', type: 'select', required: true, options: MEASURES, label: ['帮扶措施', 'Measure'] },
      { name: 'owner', required: true, label: ['负责人用户名', 'Person in charge (user name)'], maxlength: 100 },
      { name: 'dueAt', type: 'date', required: true, label: ['期限', 'Due'], toInstant: 'endOfDay', future: true },
      note,
    ],
  },
  EXEMPT: { fields: [reason('缓学/免学依据', 'The approval', ['如：经县教委批准缓学一年', 'e.g. deferral approved by the county']), note] },
  TRANSFER: { fields: [reason('转学核实情况', 'How the enrolment was verified'), { name: 'newSchool', required: true, label: ['新学校', 'New school'], maxlength: 100 }, note] },
  COMPLETE: { fields: [reason('原因', 'Why', ['如：已满十六周岁', 'e.g. turned 16']), note] },
  CANCEL: { fields: [reason('撤销原因', 'Why the case was opened in error'), note] },
  RECORD_SUPPORT_OUTCOME: {
    fields: [
      { name: 'measureId', type: 'select', required: true, label: ['帮扶措施', 'Measure'], options: [], fromCase: 'pendingMeasures' },
      { name: 'outcome', type: 'select', required: true, label: ['结果', 'Outcome'], options: Object.entries(SUPPORT_OUTCOME_LABELS).map(([value, label]) => ({ value, label })) },
      note,
    ],
  },
  REQUEST_APPROVAL: {
    fields: [
      { name: 'decision', type: 'select', required: true, options: APPROVAL_DECISIONS, label: ['审批事项', 'Decision to request'], hint: ['案件不在该事项的环节时，系统会说明可提请的事项', 'If the case is not where it applies, the answer names what may be asked'] },
      reason('申请理由', 'Why', ['如：跟踪期满，学生稳定在校', 'e.g. follow-up ended, the child attends']),
      { name: 'newDueAt', type: 'date', label: ['新的期限（仅超限延期）', 'New due date (extension only)'], toInstant: 'endOfDay', future: true, hint: ['当天 17:00（北京时间）', '17:00 China time that day'] },
      note,
    ],
  },
  APPROVE_REQUEST: { fields: [pendingApproval, { name: 'comment', type: 'textarea', required: true, label: ['审批意见', 'Comment'], maxlength: 2000 }, note] },
  REJECT_REQUEST: { fields: [pendingApproval, { name: 'comment', type: 'textarea', required: true, label: ['驳回意见', 'Why it is rejected'], maxlength: 2000 }, note] },
  // 移交外镇: the sending town asks; the receiving town answers from its task (docs/casework.md, Transfers).
  REQUEST_TRANSFER: {
    fields: [
      { name: 'toTown', required: true, label: ['接收乡镇', 'Receiving town'], maxlength: 40, hint: ['本部署的其他乡镇，代码或名称，如 新河镇', 'another town of this deployment, code or name'] },
      reason('移交原因', 'Why the case moves', ['如：该生随父母在外镇务工地被发现', 'e.g. the child was found living in that town']),
      note,
    ],
  },
  ACCEPT_TRANSFER: {
    main: true,
    fields: [
      { name: 'area', required: true, label: ['本镇责任区', 'Area in your town'], maxlength: 60, hint: ['村（社区）名称或代码', 'village or community, name or code'] },
      { name: 'school', required: true, label: ['本镇学校', 'School in your town'], maxlength: 100 },
      { name: 'grade', type: 'number', required: true, label: ['年级', 'Grade'], min: 1, max: 9, toNumber: true },
      { name: 'className', required: true, label: ['班级', 'Class'], maxlength: 40 },
      note,
    ],
  },
  DECLINE_TRANSFER: { fields: [reason('拒绝原因', 'Why your town declines', ['如：经核实该生户籍与居住地均不在本镇', 'e.g. the child neither lives nor is registered here']), note] },
};

/** The body of an action from the typed values (dates of instants as 17:00 China time). */
export function actionBody(type, typed) {
  const body = { type };
  for (const f of ACTION_FORMS[type].fields) {
    const v = typed[f.name];
    if (v === undefined || v === '') continue;
    body[f.name] = f.toInstant === 'endOfDay' ? `${v}T17:00:00+08:00` : f.toNumber ? Number(v) : v;
  }
  return body;
}

/** Checks on the page before sending: required fields, days in the past, due dates in the future. */
export function actionProblems(type, typed, openedOn, t) {
  const out = [];
  const today = todayInChina();
  for (const f of ACTION_FORMS[type].fields) {
    const v = typed[f.name];
    const name = t(...f.label);
    if (f.required && !v) out.push({ field: f.name, message: t(`请填写${f.label[0]}`, `Enter ${f.label[1].toLowerCase()}`) });
    else if (v && f.past && v > today) out.push({ field: f.name, message: t(`${name}不能晚于今天`, `${name} cannot be after today`) });
    else if (v && f.past && openedOn && v < openedOn) out.push({ field: f.name, message: t(`${name}不能早于立案日期`, `${name} cannot be before the case was opened`) });
    else if (v && f.future && v < today) out.push({ field: f.name, message: t(`${name}不能早于今天`, `${name} cannot be before today`) });
  }
  return out;
}
