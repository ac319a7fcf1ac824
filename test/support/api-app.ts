/**
 * The real Nest application, set up exactly as main.ts sets it up (configureApp), over a test
 * database and a fake engine:
 *
 *   const api = await createTestApi({ dataSource: db.dataSource });
 *   await request(api.server).get('/api/health').expect(200);
 *   await api.close();
 */
import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { DataSource } from 'typeorm';
import { ApiModule } from '../../src/api/api.module';
import type { CaseEngine } from '../../src/api/case-engine.port';
import { configureApp } from '../../src/api/configure-app';
import { loadTown } from '../../src/read-model/town';
import { FakeCaseEngine } from './fake-case-engine';

export interface TestApi<E extends CaseEngine = FakeCaseEngine> {
  app: INestApplication;
  /** The HTTP server, for supertest. */
  server: ReturnType<INestApplication['getHttpServer']>;
  engine: E;
  close(): Promise<void>;
}

export async function createTestApi(options: { dataSource: DataSource }): Promise<TestApi>;
export async function createTestApi<E extends CaseEngine>(options: { dataSource: DataSource; engine: E }): Promise<TestApi<E>>;
export async function createTestApi(options: { dataSource: DataSource; engine?: CaseEngine }): Promise<TestApi<CaseEngine>> {
  const engine = options.engine ?? new FakeCaseEngine();
  const moduleRef = await Test.createTestingModule({
    imports: [ApiModule.forRoot({ database: { dataSource: options.dataSource }, engine: { useValue: engine }, town: loadTown() })],
  }).compile();
  // Quiet by default: tests provoke errors on purpose. BAOXUE_TEST_LOGS=1 shows Nest's log.
  const logger = process.env.BAOXUE_TEST_LOGS ? (['error', 'warn', 'log'] as const) : false;
  const app = configureApp(moduleRef.createNestApplication({ logger: logger === false ? false : [...logger] }));
  await app.init();
  return { app, server: app.getHttpServer(), engine, close: () => app.close() };
}
