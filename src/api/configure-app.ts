/**
 * Sets an application up the one way main.ts and the tests share: the /api prefix, security
 * headers, the body limit and body checks (src/api/hardening), validation (whitelist,
 * forbidNonWhitelisted, transform), the one exception filter and Swagger at /api/docs (JSON at
 * /api/docs-json). Rate limits and Idempotency-Key come with ApiModule. Create the app with
 * NEST_APP_OPTIONS and call this before `app.init()` / `app.listen()`.
 */
import { ArgumentMetadata, INestApplication, ValidationPipe } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ApiExceptionFilter } from './api-exception.filter';
import { inputSanityMiddleware, securityHeaders } from './hardening';
import { setupSwagger } from './swagger';
import { serveWebPages } from '../dashboard/web-pages';
import { validationExceptionFactory, validationFailed } from './validation/field-errors';

export const API_PREFIX = 'api';

export interface ConfigureAppOptions {
  /** Largest JSON body accepted (default 100kb); larger ones get 413 REQUEST.TOO_LARGE. */
  bodyLimit?: string;
  /** Serve Swagger UI and JSON (default true). */
  swagger?: boolean;
  /** Shown in the OpenAPI document. */
  version?: string;
}

/**
 * Options to create the application with: Nest's own body parsers off (they would add a form
 * parser); configureApp registers the JSON one.
 */
export const NEST_APP_OPTIONS = { bodyParser: false } as const;

/**
 * The validation pipe, which also refuses a route's body when there is none at all (a PATCH
 * without a body used to answer 200): 400 naming `(body)`.
 */
class BodyValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && value === undefined) {
      throw validationFailed([{ field: '(body)', constraint: 'isDefined', message: '请求缺少内容，请以 JSON 格式提交', messageEn: 'the request has no body; send it as JSON' }]);
    }
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new BodyValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: true },
    exceptionFactory: validationExceptionFactory,
  });
}

export function configureApp<T extends INestApplication>(app: T, options: ConfigureAppOptions = {}): T {
  app.setGlobalPrefix(API_PREFIX);
  const express = app as unknown as NestExpressApplication;
  // Security headers first, so every answer has them, also a refused body; body checks after parsing.
  app.use(securityHeaders());
  if (typeof express.useBodyParser === 'function') {
    // JSON only: any other body is refused with 415 by the hardening (media-type.ts), multipart where a route declares it.
    express.useBodyParser('json', { limit: options.bodyLimit ?? '100kb' });
  }
  app.use(inputSanityMiddleware());
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter(app.get(HttpAdapterHost)));
  if (options.swagger !== false) setupSwagger(app, options.version);
  serveWebPages(app); // /dashboard, /app and their assets (src/dashboard/web-pages.ts)
  return app;
}
