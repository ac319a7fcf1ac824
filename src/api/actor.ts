/**
 * Who acts: the `X-Actor` header (a name or role, e.g. 张老师 or 故陵小学-班主任). HTTP headers are
 * Latin-1, so non-ASCII names are sent URL-encoded (X-Actor: %E5%BC%A0%E8%80%81%E5%B8%88); raw
 * UTF-8 bytes are accepted too. Without the header the actor is DEFAULT_ACTOR.
 * (Authentication is out of scope here: a gateway in front sets the header.)
 */
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { validationFailed } from './validation/field-errors';

export const ACTOR_HEADER = 'X-Actor';
export const DEFAULT_ACTOR = '未署名 unsigned';
export const MAX_ACTOR_LENGTH = 100;

export const ACTOR_HEADER_DOC = {
  name: ACTOR_HEADER,
  required: false,
  description:
    `办理人（姓名或岗位），URL 编码，如 %E5%BC%A0%E8%80%81%E5%B8%88 即"张老师"；缺省为"${DEFAULT_ACTOR}"。` +
    ` / Who acts (a name or role), URL-encoded when not ASCII; default "${DEFAULT_ACTOR}". At most ${MAX_ACTOR_LENGTH} characters.`,
  schema: { type: 'string', example: '%E5%BC%A0%E8%80%81%E5%B8%88' },
};

/** Reads the actor from the header value; throws a 400 when it is unreadable or too long. */
export function actorFromHeader(header: string | string[] | undefined): string {
  let value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return DEFAULT_ACTOR;
  if (/%[0-9A-Fa-f]{2}/.test(value)) {
    try {
      value = decodeURIComponent(value);
    } catch {
      throw badActor('无法解码，请使用 URL 编码（UTF-8）', 'cannot be decoded; URL-encode it as UTF-8');
    }
  } else if (/[\x80-\xff]/.test(value) && !/[^\x00-\xff]/.test(value)) {
    // Node reads header bytes as Latin-1: raw UTF-8 (curl -H 'X-Actor: 张老师') arrives garbled; undo that.
    const utf8 = Buffer.from(value, 'latin1').toString('utf8');
    if (!utf8.includes('\uFFFD')) value = utf8;
  }
  value = value.trim();
  if (value === '') return DEFAULT_ACTOR;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) throw badActor('不能包含控制字符', 'must not contain control characters');
  if ([...value].length > MAX_ACTOR_LENGTH) {
    throw badActor(`不能超过 ${MAX_ACTOR_LENGTH} 个字`, `must be at most ${MAX_ACTOR_LENGTH} characters`);
  }
  return value;
}

function badActor(zh: string, en: string) {
  return validationFailed([{ field: ACTOR_HEADER, constraint: 'actor', message: zh, messageEn: `${ACTOR_HEADER} ${en}` }]);
}

/** The actor of the request, from `X-Actor`. */
export const Actor = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => {
  const request = ctx.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>();
  return actorFromHeader(request.headers[ACTOR_HEADER.toLowerCase()]);
});
