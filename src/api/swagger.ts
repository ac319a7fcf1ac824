/** The OpenAPI document: error shape and codes, bearer log-in and the permission table, served at /api/docs. */
import { applyDecorators, INestApplication } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse, DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { permissionTableMarkdown } from '../access/permissions';
import { ERROR_CODES, ERRORS, ErrorCode, errorCodesMarkdown } from './errors';
import { documentHardening } from './hardening/hardening.swagger';

export class ErrorResponseDto {
  @ApiProperty({ example: 409 })
  statusCode!: number;

  @ApiProperty({ enum: ERROR_CODES, example: 'CASE.ACTION_NOT_ALLOWED', description: '稳定的错误代码 / stable error code' })
  code!: ErrorCode;

  @ApiProperty({ example: '案件当前阶段不能进行此操作（当前阶段：家访）。现在可以进行的操作：记录家访（RECORD_HOME_VISIT）、复学（RECORD_RETURN）' })
  message!: string;

  @ApiProperty({ example: 'The case does not allow this action now (stage: Home visit). Allowed now: RECORD_HOME_VISIT, RECORD_RETURN' })
  messageEn!: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      '因错误而异：fields（逐字段的错误）、allowedActions、openCaseId、validValues 等 / depends on the code: fields (per-field errors), allowedActions, openCaseId, validValues',
    example: { stage: 'HOME_VISIT', paused: false, allowedActions: ['RECORD_HOME_VISIT', 'RECORD_RETURN'] },
  })
  details?: Record<string, unknown>;

  @ApiProperty({ example: '/api/cases/0b6f7c1e-2a51-4c1e-9d43-3f7a2c9e8b10/actions' })
  path!: string;

  @ApiProperty({ format: 'date-time' })
  timestamp!: string;
}

/** Documents the error responses an operation may answer, grouped by HTTP status. */
export function ApiErrorResponses(...codes: ErrorCode[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of [...codes, 'INTERNAL.ERROR' as ErrorCode]) {
    const status = ERRORS[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return applyDecorators(
    ...[...byStatus].map(([status, list]) =>
      ApiResponse({
        status,
        type: ErrorResponseDto,
        description: list.map((c) => `\`${c}\` ${ERRORS[c].zh} / ${ERRORS[c].en}`).join('; '),
      }),
    ),
  );
}

export const DOCS_PATH = 'api/docs';

/**
 * An error is JSON whatever the operation produces: @ApiProduces (a PDF, a workbook) also lands on
 * the error responses, which would then claim to be PDFs. Every response with the error schema
 * gets application/json alone.
 */
export function errorsAnswerJson(document: OpenAPIObject): OpenAPIObject {
  const errorSchema = '#/components/schemas/ErrorResponseDto';
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(item as Record<string, { responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> }>)) {
      for (const response of Object.values(operation?.responses ?? {})) {
        const content = response.content ?? {};
        if (Object.values(content).some((media) => media.schema?.$ref === errorSchema)) response.content = { 'application/json': { schema: { $ref: errorSchema } } };
      }
    }
  }
  return document;
}

export function setupSwagger(app: INestApplication, version = '0.1.0'): void {
  const config = new DocumentBuilder()
    .setTitle('保学 baoxue: 控辍保学案件 API')
    .setDescription(
      [
        '故陵镇控辍保学：每名疑似辍学儿童一个案件，按"家访 → 劝返 → 批评教育 → 责令限期改正 → 司法文书 → 追究法律责任"推进，期限由系统计时。',
        'Dropout control for Guling town: one case per child, escalated along the legal chain with deadlines kept by the engine.',
        '',
        '**登录 / log-in**: `POST /api/auth/login` with `{ "username", "password" }` answers `{ accessToken, expiresIn, user }`;',
        'send `Authorization: Bearer <accessToken>` on every other request (the token lasts 15 minutes).',
        'Before it expires, trade the answer\'s `refreshToken` at `POST /api/auth/refresh` for a new pair (each refresh token works once;',
        'a used one presented again ends the session); a session lasts a working day (10 h) from its log-in. `POST /api/auth/logout` ends it.',
        'With `passwordChangeRequired: true` (a one-time password) only `POST /api/auth/password` works: 403 `AUTH.PASSWORD_CHANGE_REQUIRED` elsewhere.',
        'Only log-in, `GET /api/health` and these docs are open. No token: 401 `AUTH.REQUIRED`; a bad, expired or revoked one: 401 `AUTH.INVALID_TOKEN`.',
        'The actor of every report and action is the logged-in user, written `显示名（用户名）`, e.g. `谢勇（principal）`.',
        '',
        '**权限 / permissions**: a case outside your role\'s read scope answers 404 `CASE.NOT_FOUND` (as if it did not exist);',
        'an action your role may not take on a case you read answers 403 `AUTH.FORBIDDEN`, naming what your role may take.',
        'Lists are filtered by scope in the database. `allowedActions` in every case answer is what the case allows now',
        '**and** your role may do. ID numbers and guardian phones are masked (`500235********0034`, `138****0000`) in lists',
        'for everybody, and in the case detail for roles without ✓ below.',
        '',
        permissionTableMarkdown(),
        '',
        '**审计 / audit**: every request to a case, a list, a report, an action, a log-in and the audit log itself is recorded',
        '(who, when, from where, what, which case and child, the answer\'s status), refusals included. `GET /api/audit` is for',
        'the leading group only. If the record cannot be written the request is refused with 503 `AUDIT.UNAVAILABLE`.',
        '',
        '**幂等键 / Idempotency-Key**: every POST accepts an `Idempotency-Key` header (a new UUID per request, the same one when retrying);',
        'a retry gets the first answer with `Idempotency-Replayed: true` and changes nothing. Clients in villages with unreliable connections should always send one.',
        '',
        '**频率限制 / rate limits**: too many requests answer 429 `REQUEST.RATE_LIMITED` with `Retry-After` (seconds).',
        '',
        '**错误 / errors**: every error answers `{ statusCode, code, message, messageEn, details?, path, timestamp }`;',
        '`message` is Chinese for the caseworker, `messageEn` English. Codes are stable:',
        '',
        errorCodesMarkdown(),
      ].join('\n'),
    )
    .setVersion(version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'POST /api/auth/login → accessToken' })
    .build();
  const document = errorsAnswerJson(documentHardening(SwaggerModule.createDocument(app, config, { extraModels: [ErrorResponseDto] })));
  SwaggerModule.setup(DOCS_PATH, app, document, {
    customSiteTitle: '保学 baoxue API',
    jsonDocumentUrl: `${DOCS_PATH}-json`,
  });
}
