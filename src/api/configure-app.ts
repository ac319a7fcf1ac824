/**
 * Sets an application up the one way main.ts and the tests share: the /api prefix, security
 * headers, the body limit and body checks (src/api/hardening), validation (whitelist,
 * forbidNonWhitelisted, transform), the one exception filter and Swagger at /api/docs (JSON at
 * /api/docs-json). Rate limits and Idempotency-Key come with ApiModule. Call it before
 * `app.init()` / `app.listen()`.
 */
import { INestApplication, ValidationPipe } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ApiExceptionFilter } from './api-exception.filter';
import { inputSanityMiddleware, securityHeaders } from './hardening';
import { setupSwagger } from './swagger';
import { serveWebPages } from '../dashboard/web-pages';
import { validationExceptionFactory } from './validation/field-errors';

export const API_PREFIX = 'api';

export interface ConfigureAppOptions {
  /** Largest JSON body accepted (default 100kb); larger ones get 413 REQUEST.TOO_LARGE. */
  bodyLimit?: string;
  /** Serve Swagger UI and JSON (default true). */
  swagger?: boolean;
  /** Shown in the OpenAPI document. */
  version?: string;
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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
    express.useBodyParser('json', { limit: options.bodyLimit ?? '100kb' });
    express.useBodyParser('urlencoded', { limit: options.bodyLimit ?? '100kb', extended: false });
  }
  app.use(inputSanityMiddleware());
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter(app.get(HttpAdapterHost)));
  if (options.swagger !== false) setupSwagger(app, options.version);
  serveWebPages(app); // /dashboard, /app and their assets (src/dashboard/web-pages.ts)
  return app;
}
