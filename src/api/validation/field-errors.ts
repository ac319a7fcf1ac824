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

export function validationFailed(fields: FieldError[], extraDetails: Record<string, unknown> = {}): ApiError {
  const shown = fields.slice(0, 5);
  const more = fields.length > shown.length ? `（另有 ${fields.length - shown.length} 处）` : '';
  const moreEn = fields.length > shown.length ? ` (and ${fields.length - shown.length} more)` : '';
  return new ApiError('REQUEST.VALIDATION_FAILED', {
    zh: `提交的内容有误：${shown.map((f) => `${f.field}：${f.message}`).join('；')}${more}`,
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
