/**
 * One minimal Nest application on the HTTP adapter named by argv (express | fastify), for the bench's
 * `adapters` phase: the same module on both, so the figures differ by the adapter alone. Run as a
 * child process (`node scripts/run-ts.js scripts/bench/adapter-app.ts fastify`); listens on a free
 * port of 127.0.0.1 and prints `adapter <name> ready on port <n>`.
 */
import 'reflect-metadata';
import { Body, Controller, Get, HttpCode, Module, Post } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { ArrayMaxSize, IsArray, IsIn, IsString, MaxLength } from 'class-validator';
import { ApiExceptionFilter } from '../../src/api/api-exception.filter';
import { createValidationPipe } from '../../src/api/configure-app';
import { ADAPTERS, AdapterName } from './adapters';

/** Shaped like a caseworker's action (POST /api/cases/:id/actions): a type, a note, a few tags. */
export class EchoActionDto {
  @IsIn(['ADD_NOTE', 'HOME_VISIT'])
  type!: string;

  @IsString()
  @MaxLength(2000)
  note!: string;

  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  tags!: string[];
}

@Controller('api/bench')
class BenchController {
  /** Small JSON, as GET /api/health answers. */
  @Get('health')
  health() {
    return { status: 'ok', temporal: { ok: true, latencyMs: 1 }, database: { ok: true, latencyMs: 1 } };
  }

  /** The validated body back: JSON parsing, the ValidationPipe (whitelist, transform) and serialising. */
  @Post('echo')
  @HttpCode(200)
  echo(@Body() body: EchoActionDto) {
    return body;
  }
}

@Module({ controllers: [BenchController] })
class BenchAdapterModule {}

async function main() {
  const name = process.argv[2] as AdapterName;
  if (!ADAPTERS.includes(name)) throw new Error(`adapter-app: "${name}" is not one of ${ADAPTERS.join(', ')}`);
  const adapter = name === 'express' ? new ExpressAdapter() : new FastifyAdapter();
  const app = await NestFactory.create(BenchAdapterModule, adapter, { logger: ['error', 'warn'] });
  // The API's own pipe and error filter (a refused body answers 400 REQUEST.VALIDATION_FAILED on both).
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter(app.get(HttpAdapterHost)));
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  console.log(`adapter ${name} ready on port ${address.port}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
