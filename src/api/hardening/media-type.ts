/**
 * The API takes JSON bodies only, except where an operation declares otherwise with Swagger's
 * @ApiConsumes (the ledger upload: multipart/form-data): the OpenAPI document says what a route
 * takes, and this check holds every request to it. A body of another type is refused with 415
 * REQUEST.UNSUPPORTED_MEDIA_TYPE before anything runs (a form-encoded log-in used to be parsed and
 * executed). A request without a body (no Content-Length, or 0, and no Transfer-Encoding) passes.
 */
import { DECORATORS } from '@nestjs/swagger';
import { ApiError } from '../errors';

export const JSON_MEDIA_TYPE = 'application/json';

/** The metadata key of @ApiConsumes, as Swagger stores it. */
export const CONSUMES_METADATA: string = DECORATORS.API_CONSUMES;

interface BodyRequest {
  headers: Record<string, string | string[] | undefined>;
}

const LABELS: Record<string, string> = { [JSON_MEDIA_TYPE]: ' JSON（application/json）', 'multipart/form-data': '文件上传（multipart/form-data）' };

/** The 415 to answer, or undefined when the body's type is one the route takes (or there is no body). */
export function unsupportedMediaType(req: BodyRequest, accepted: readonly string[] = [JSON_MEDIA_TYPE]): ApiError | undefined {
  const length = Number(req.headers['content-length'] ?? 0);
  if (!(length > 0) && req.headers['transfer-encoding'] === undefined) return undefined;
  const given = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (accepted.includes(given)) return undefined;
  return new ApiError('REQUEST.UNSUPPORTED_MEDIA_TYPE', {
    zh: `不支持的提交格式${given ? `（${given.slice(0, 100)}）` : ''}，此接口只接受${accepted.map((type) => LABELS[type] ?? type).join('或')}`,
    en: `The body's type ${given ? `(${given.slice(0, 100)}) ` : ''}is not taken here; send ${accepted.join(' or ')}`,
    details: { contentType: given.slice(0, 100) || null, accepted: [...accepted] },
  });
}
