/**
 * The OpenAPI document learns the hardening: the Idempotency-Key header on every POST (with its
 * 409 / 422 answers) and the 429 on every operation. Applied to the built document, so routes
 * added by anyone are covered without decorating each.
 */
import type { OpenAPIObject } from '@nestjs/swagger';
import { ERRORS, ErrorCode } from '../errors';
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_REPLAYED_HEADER, MAX_IDEMPOTENCY_KEY_LENGTH, isIdempotencyExcluded } from './idempotency';

const ERROR_SCHEMA = { $ref: '#/components/schemas/ErrorResponseDto' };

export const IDEMPOTENCY_KEY_DESCRIPTION =
  '幂等键（可选，强烈建议）：每个新请求生成一个新的 UUID；网络中断后重发同一请求时使用同一个键，系统只办理一次，' +
  `重发得到第一次的结果（同一状态码，并带 \`${IDEMPOTENCY_REPLAYED_HEADER}: true\`）。村里网络不稳定的客户端应始终发送。24 小时后过期。` +
  ' / Optional, strongly recommended: a new UUID per new request; send the same key again when retrying the same request' +
  ' after a broken connection, and it is done once: the retry gets the first answer (same status, with' +
  ` \`${IDEMPOTENCY_REPLAYED_HEADER}: true\`). Clients in villages with unreliable connections should always send one.` +
  ' The same key with a different body answers 422 IDEMPOTENCY.KEY_REUSED; while the first request still runs, 409' +
  ' IDEMPOTENCY.IN_PROGRESS (retry shortly). Keys are kept 24 h. Without the header the request works as usual.';

export const IDEMPOTENCY_DOC_PARAMETER = {
  name: IDEMPOTENCY_KEY_HEADER,
  in: 'header' as const,
  required: false,
  description: IDEMPOTENCY_KEY_DESCRIPTION,
  schema: { type: 'string' as const, maxLength: MAX_IDEMPOTENCY_KEY_LENGTH, example: '3f1c2b9e-8a47-4d55-9b1e-0c6d2f4a7e21' },
};

type Operation = {
  parameters?: Array<{ name?: string; in?: string; $ref?: string }>;
  responses?: Record<string, { description?: string; content?: unknown; headers?: Record<string, unknown> }>;
};

export function documentHardening(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = (item as Record<string, Operation | undefined>)[method];
      if (!operation) continue;
      addResponse(operation, 429, ['REQUEST.RATE_LIMITED'], { 'Retry-After': { description: '秒 / seconds', schema: { type: 'integer' } } });
      if (method !== 'post' || isIdempotencyExcluded(path)) continue;
      operation.parameters = operation.parameters ?? [];
      if (!operation.parameters.some((p) => p.in === 'header' && p.name?.toLowerCase() === 'idempotency-key')) {
        operation.parameters.push(IDEMPOTENCY_DOC_PARAMETER);
      }
      addResponse(operation, 400, ['IDEMPOTENCY.KEY_INVALID']);
      addResponse(operation, 409, ['IDEMPOTENCY.IN_PROGRESS']);
      addResponse(operation, 422, ['IDEMPOTENCY.KEY_REUSED']);
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (!status.startsWith('2')) continue;
        response.headers = {
          ...response.headers,
          [IDEMPOTENCY_REPLAYED_HEADER]: {
            description: '重发请求得到的是第一次的结果 / this is the stored answer of the first request with the key',
            schema: { type: 'string', enum: ['true'] },
          },
        };
      }
    }
  }
  return document;
}

function addResponse(operation: Operation, status: number, codes: ErrorCode[], headers?: Record<string, unknown>): void {
  operation.responses = operation.responses ?? {};
  const text = codes.map((c) => `\`${c}\` ${ERRORS[c].zh} / ${ERRORS[c].en}`).join('; ');
  const existing = operation.responses[String(status)];
  if (existing) {
    if (!existing.description?.includes(codes[0])) existing.description = existing.description ? `${existing.description}; ${text}` : text;
    if (headers) existing.headers = { ...existing.headers, ...headers };
    return;
  }
  operation.responses[String(status)] = {
    description: text,
    content: { 'application/json': { schema: ERROR_SCHEMA } },
    ...(headers ? { headers } : {}),
  };
}
