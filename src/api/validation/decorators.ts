/** Validation rules of our own, as class-validator decorators. */
import { ValidateBy, ValidationOptions, buildMessage } from 'class-validator';
import { isDuration } from '../../workflows/policy';
import { checkChineseIdNumber } from './chinese-id-number';

/** An 18-character national ID number with a correct GB 11643 check digit and birth date. */
export function IsChineseIdNumber(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isChineseIdNumber',
      validator: {
        validate: (value) => checkChineseIdNumber(value).valid,
        defaultMessage: buildMessage((eachPrefix, args) => {
          const check = checkChineseIdNumber(args?.value);
          return `${eachPrefix}$property: ${check.valid ? 'not a valid ID number' : check.problem.en}`;
        }, options),
      },
    },
    options,
  );
}

/** A calendar date written YYYY-MM-DD (and a real day: no 2024-02-30). */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value) => isCalendarDate(value),
        defaultMessage: buildMessage((eachPrefix) => `${eachPrefix}$property must be a date written YYYY-MM-DD`, options),
      },
    },
    { context: { zh: '必须是日期，格式如 2024-03-01' }, ...options },
  );
}

/** A point in time in ISO 8601 with a time zone, e.g. 2024-03-01T08:00:00+08:00. */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isInstant',
      validator: {
        validate: (value) =>
          typeof value === 'string' &&
          /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
          !Number.isNaN(Date.parse(value)) &&
          isCalendarDate(value.slice(0, 10)),
        defaultMessage: buildMessage(
          (eachPrefix) => `${eachPrefix}$property must be a date and time with a time zone, like 2024-03-01T08:00:00+08:00`,
          options,
        ),
      },
    },
    { context: { zh: '必须是带时区的日期时间，格式如 2024-03-01T08:00:00+08:00' }, ...options },
  );
}

/** A policy duration: 3d, 15d, 36h, 1d12h. */
export function IsDuration(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDuration',
      validator: {
        validate: (value) => isDuration(value),
        defaultMessage: buildMessage((eachPrefix) => `${eachPrefix}$property must be a duration like 15d, 36h or 1d12h`, options),
      },
    },
    { context: { zh: '必须是时长，格式如 15d（天）、36h（小时）、1d12h' }, ...options },
  );
}

export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}
