/**
 * class-validator errors turned into field-level messages in Chinese and English:
 * details.fields = [{ field: 'child.idNumber', constraint: 'isChineseIdNumber', message, messageEn }].
 */
import type { ValidationError } from 'class-validator';
import { ApiError } from '../errors';
import { checkChineseIdNumber } from './chinese-id-number';

export interface FieldError {
  /** Path in the body or query, e.g. `child.guardians.0.phone`. */
  field: string;
  /** The failed rule (class-validator's constraint name). */
  constraint: string;
  message: string;
  messageEn: string;
}

/** A Chinese message given on a decorator: `@IsString(zh('姓名必须是文字'))`. */
export function zh(message: string): { context: { zh: string } } {
  return { context: { zh: message } };
}

export function toFieldErrors(errors: ValidationError[], parentPath = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = parentPath ? `${parentPath}.${error.property}` : error.property;
    for (const [constraint, en] of Object.entries(error.constraints ?? {})) {
      out.push({ field, constraint, message: chinese(field, constraint, en, error), messageEn: english(field, en, error) });
    }
    if (error.children?.length) out.push(...toFieldErrors(error.children, field));
  }
  return out;
}

/**
 * The Chinese names of the fields a caseworker fills in, for the summary message: a civil servant
 * reads 家访日期, not visitedOn. A field not listed is named by its path.
 */
export const FIELD_LABELS: Record<string, string> = {
  type: '操作类型',
  outcome: '结果',
  note: '情况说明',
  reason: '原因',
  visitedOn: '家访日期',
  returnedOn: '返校日期',
  issuedOn: '发放日期',
  orderNumber: '文号',
  correctWithin: '改正期限',
  documentNumber: '司法文书编号',
  newDueAt: '新的期限',
  approver: '批准人',
  assignee: '新的负责人',
  measure: '帮扶措施',
  owner: '负责人',
  dueAt: '期限',
  measureId: '帮扶措施编号',
  newSchool: '新学校',
  cause: '辍学原因',
  childId: '已登记儿童',
  child: '儿童信息',
  name: '姓名',
  idNumber: '身份证号码',
  birthDate: '出生日期',
  sex: '性别',
  school: '学校',
  grade: '年级',
  className: '班级',
  area: '责任区',
  villagerGroup: '村民小组',
  guardians: '监护人',
  phone: '电话',
  relation: '与儿童关系',
  q: '查找内容',
};

/** 儿童姓名 for child.name, 监护人 1 电话 for child.guardians.0.phone; the path when unknown. */
export function fieldLabel(field: string): string {
  const parts = field.split('.');
  const guardian = parts.indexOf('guardians');
  if (guardian >= 0 && /^\d+$/.test(parts[guardian + 1] ?? '')) {
    const rest = parts.slice(guardian + 2).join('.');
    return `监护人 ${Number(parts[guardian + 1]) + 1}${rest ? ` ${FIELD_LABELS[rest] ?? rest}` : ''}`;
  }
  const last = parts[parts.length - 1];
  const known = FIELD_LABELS[last];
  if (!known) return field;
  return parts[0] === 'child' && parts.length === 2 && last === 'name' ? '儿童姓名' : known;
}

/** The summary names each field once, by its Chinese name, with its first message (details.fields keeps them all). */
export function validationFailed(fields: FieldError[], extraDetails: Record<string, unknown> = {}): ApiError {
  const firstPerField = fields.filter((f, i) => fields.findIndex((g) => g.field === f.field) === i);
  const shown = firstPerField.slice(0, 5);
  const more = firstPerField.length > shown.length ? `（另有 ${firstPerField.length - shown.length} 处）` : '';
  const moreEn = firstPerField.length > shown.length ? ` (and ${firstPerField.length - shown.length} more)` : '';
  const zhOf = (f: FieldError) => {
    const name = fieldLabel(f.field);
    return f.message.startsWith(name) ? f.message : `${name}：${f.message}`;
  };
  return new ApiError('REQUEST.VALIDATION_FAILED', {
    zh: `提交的内容有误：${shown.map(zhOf).join('；')}${more}`,
    en: `The request is not valid: ${shown.map((f) => `${f.field}: ${f.messageEn}`).join('; ')}${moreEn}`,
    details: { fields, ...extraDetails },
  });
}

/** The pipe's exceptionFactory. */
export function validationExceptionFactory(errors: ValidationError[]): ApiError {
  return validationFailed(toFieldErrors(errors));
}

function english(field: string, en: string, error: ValidationError): string {
  // class-validator starts its messages with the property name; name the whole path instead.
  return en.startsWith(`${error.property} `) ? `${field}${en.slice(error.property.length)}` : en;
}

function chinese(field: string, constraint: string, en: string, error: ValidationError): string {
  const given = error.contexts?.[constraint]?.zh;
  if (typeof given === 'string') return given;
  const tail = (marker: string) => (en.includes(marker) ? en.slice(en.indexOf(marker) + marker.length).trim() : '');
  const number = () => (en.match(/-?\d+(\.\d+)?/g) ?? []).pop() ?? '';
  switch (constraint) {
    case 'whitelistValidation':
      return '不认识的字段，请删除';
    case 'unknownValue':
      return '请求内容必须是 JSON 对象';
    case 'isDefined':
    case 'isNotEmpty':
      return '必填，不能为空';
    case 'isString':
      return '必须是文字';
    case 'isInt':
      return '必须是整数';
    case 'isNumber':
    case 'isNumberString':
      return '必须是数字';
    case 'isBoolean':
    case 'isBooleanString':
      return '必须是 true 或 false';
    case 'min':
      return `不能小于 ${number()}`;
    case 'max':
      return `不能大于 ${number()}`;
    case 'maxLength':
      return `不能超过 ${number()} 个字`;
    case 'minLength':
      return `至少 ${number()} 个字`;
    case 'isIn':
    case 'isEnum':
      return `必须是以下之一：${tail('following values:')}`;
    case 'isArray':
      return '必须是列表（数组）';
    case 'arrayMinSize':
      return `至少填写 ${number()} 项`;
    case 'arrayMaxSize':
      return `最多填写 ${number()} 项`;
    case 'isObject':
    case 'nestedValidation':
      return '必须是对象';
    case 'isUuid':
      return '必须是 UUID 格式的编号';
    case 'isDateString':
    case 'isISO8601':
      return '必须是日期或时间，格式如 2024-03-01 或 2024-03-01T08:00:00+08:00';
    case 'isChineseIdNumber': {
      const check = checkChineseIdNumber(error.value);
      return check.valid ? '身份证号码不正确' : check.problem.zh;
    }
    default:
      return `不符合要求（${field}）`;
  }
}
