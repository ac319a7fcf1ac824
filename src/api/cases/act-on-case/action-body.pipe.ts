/**
 * Validates an action body against the DTO of its `type`: unknown type → 400 ACTION.UNKNOWN_TYPE
 * listing the valid types; unknown fields, missing fields, wrong types → 400
 * REQUEST.VALIDATION_FAILED with field-level messages.
 */
import { Injectable, PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ACTION_TYPES, ActionType, EVENT_LABELS } from '../../../workflows/vocabulary';
import { ApiError } from '../../errors';
import { validationExceptionFactory, validationFailed } from '../../validation/field-errors';
import { ACTION_DTOS, ActionRequest } from './action.dtos';

@Injectable()
export class ActionBodyPipe implements PipeTransform<unknown, Promise<ActionRequest>> {
  async transform(body: unknown): Promise<ActionRequest> {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw validationFailed([
        { field: '(body)', constraint: 'isObject', message: '请求内容必须是 JSON 对象', messageEn: 'the body must be a JSON object' },
      ]);
    }
    const type = (body as { type?: unknown }).type;
    if (typeof type !== 'string' || !(ACTION_TYPES as readonly string[]).includes(type)) {
      const validTypes = ACTION_TYPES.map((t) => ({ type: t, label: EVENT_LABELS[t] }));
      const shown = quoted(type);
      const given = type === undefined ? '缺少操作类型 type' : `没有这种操作类型：${shown}`;
      const givenEn = type === undefined ? 'the action type is missing' : `unknown action type ${shown}`;
      throw new ApiError('ACTION.UNKNOWN_TYPE', {
        zh: `${given}。可用的类型：${ACTION_TYPES.map((t) => `${t}（${EVENT_LABELS[t].zh}）`).join('、')}`,
        en: `${givenEn}; valid types: ${ACTION_TYPES.join(', ')}`,
        details: { field: 'type', value: type ?? null, validTypes },
      });
    }
    const dto = plainToInstance(ACTION_DTOS[type as ActionType] as new () => ActionRequest, body);
    const errors = await validate(dto, {
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      validationError: { target: false, value: true },
    });
    if (errors.length > 0) throw validationExceptionFactory(errors);
    return dto;
  }
}

/** The given type for a message: a string in quotes, anything else as JSON (String() throws on `{ "toString": 1 }`), cut short. */
function quoted(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? typeof value;
  } catch {
    text = typeof value;
  }
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
