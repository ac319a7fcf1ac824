/**
 * Composes baoxue from its parts. With no DATABASE_URL / TEMPORAL_ADDRESS it brings its own
 * PostgreSQL and Temporal dev server under the data folder (the embedded default, for one
 * command on a fresh machine); with them it uses those. The entry points (main, api-main,
 * worker-main) choose which roles run; tests start the same composition.
 */
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { createActivities } from './activities';
import { ApiModule, configureApp, NEST_APP_OPTIONS } from './api';
import { prepareAuth } from './api/auth/prepare-auth';
import type { BaoxueConfig } from './config';
import { maskPhone } from './access/masking';
import { RunningPostgres, startEmbeddedPostgres } from './infra/embedded-postgres';
import { loadPolicy } from './policy/load-policy';
import { loadTowns, openReadModel, recordPolicy } from './read-model';
import { createCaseWorker } from './temporal/case-worker';
import { RunningDevServer, startTemporalDevServer } from './temporal/dev-server';
import { checkSearchAttributes } from './temporal/register-search-attributes';
import { installTemporalRuntime } from './temporal/runtime';
import { ApiMetrics } from './metrics';
import { RetentionJob } from './retention/retention-job';
import { TemporalCaseEngine } from './temporal/temporal-case-engine';
import { startTracing } from './tracing';
import type { PayloadCodec } from '@temporalio/common';
import { withTemporalCodecEndpoint } from './api/temporal-codec';
import { ImportJobRunner } from './api/ledger/import-jobs';
import { SourceImportRunner } from './finding/sources';
import { createReconciliationActivities, ensureReconciliationSchedule } from './reconciliation';
import { AesGcmPayloadCodec, baoxueDataConverter, resolvePayloadKeys } from './temporal/codec';
import { loadResponsibilityDirectory } from './responsibility';
import { buildNotificationChannels, FakeProvider, notificationChannelNames, OutboxDispatcher, usesFakeProvider } from './notifications';
import { seedDemoCases } from './dashboard/demo-cases';
import { createMonthlyReportActivities } from './dashboard/reports/activities';
import { ensureMonthlyReportSchedule } from './dashboard/reports/schedule';
import { createCrossCheckActivities, createFourOnesActivities, ensureFindingSchedules, loadFindingPolicy, temporalCrossCheckStarter } from './finding/check';

export interface StartOptions {
  config: BaoxueConfig;
  /** Which roles this process plays. */
  roles: { api: boolean; worker: boolean };
  /** Ports of the embedded services; free ports when absent (tests). */
  embedded?: { temporalPort?: number; temporalUiPort?: number; postgresPort?: number };
  /** Called if the worker stops on its own (a fatal error); the process should exit. */
  onWorkerFailure?: (err: unknown) => void;
  log?: (line: string) => void;
}

export interface RunningBaoxue {
  /** http://127.0.0.1:<port>, when the API runs. */
  apiUrl?: string;
  temporalAddress: string;
  temporalUiUrl?: string;
  /** Whether PostgreSQL / Temporal were started here (embedded) or given. */
  embedded: { postgres: boolean; temporal: boolean };
  dataSource: DataSource;
  app?: INestApplication;
  worker?: Worker;
  /** Delivers the notification outbox (with the worker role). */
  dispatcher?: OutboxDispatcher;
  /** The demo town's cases being opened in the background (embedded default); resolves when done or skipped. */
  demoSeeded?: Promise<void>;
  /** Encrypts what this process sends to Temporal (src/temporal/codec); tests decode raw history with it. */
  payloadCodec: PayloadCodec;
  stop(): Promise<void>;
}

export async function startBaoxue(options: StartOptions): Promise<RunningBaoxue> {
  const { config, roles } = options;
  const log = options.log ?? (() => undefined);
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    // Reverse order of start: the API stops taking requests first, the databases go last.
    for (const s of stops.splice(0).reverse()) {
      await s().catch((err) => log(`shutdown: ${(err as Error).message}`));
    }
  };

  try {
    installTemporalRuntime(undefined, { metricsAddress: roles.worker ? config.workerMetricsAddress : undefined });
    // Traces only when an OTLP endpoint is set (src/tracing); stopped last, so the final spans are sent.
    const tracing = startTracing(config.otlpEndpoint, roles);
    if (tracing) {
      stops.push(() => tracing.shutdown());
      log(`追踪 / traces: OTLP/HTTP to ${config.otlpEndpoint} as ${tracing.options.serviceName}`);
    }
    const interceptors = tracing?.clientInterceptors();
    const policy = loadPolicy(config.policyPath);
    const towns = loadTowns(config.townPaths);
    // Each town's responsibility chains, beside its town file (towns/x.responsibility.json): checked at start, every problem listed.
    const responsibility = loadResponsibilityDirectory(config.townPaths, towns, policy, { channels: notificationChannelNames(config.channels) });
    // 四查三比对's rules (policies/finding.json, BAOXUE_FINDING_POLICY): checked at start, every problem listed.
    const findingPolicy = loadFindingPolicy();
    // Every payload this process sends to Temporal is encrypted; the key comes from the settings or the data folder.
    const payloadCodec = new AesGcmPayloadCodec(resolvePayloadKeys(config, { log })!);
    const dataConverter = baoxueDataConverter(payloadCodec);

    let postgres: RunningPostgres | undefined;
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      postgres = await startEmbeddedPostgres({ dataDir: join(config.dataDir, 'postgres'), port: options.embedded?.postgresPort, log });
      stops.push(() => postgres!.stop());
      databaseUrl = postgres.url;
    }

    const dataSource = await openReadModel({
      url: databaseUrl,
      applicationName: `baoxue-${roles.api ? 'api' : ''}${roles.worker ? 'worker' : ''}`,
      connectTimeoutMs: config.timeouts.dbConnectMs,
      statementTimeoutMs: config.timeouts.dbStatementMs,
    });
    stops.push(() => dataSource.destroy());
    await recordPolicy(dataSource, policy);
    log(`时限政策 / escalation policy ${policy.version} (${config.policyPath})`);
    log(`乡镇 / towns: ${towns.all.map((t) => `${t.code} ${t.name.zh}`).join(', ')} (default ${towns.default.code})`);

    // Log-in before anything slow starts: a refused demo seeding (real accounts in the database) ends the start at once.
    const auth = roles.api ? await prepareAuth({ config, dataSource, towns, log }) : undefined; // token key; demo accounts (printed)

    let devServer: RunningDevServer | undefined;
    let temporalAddress = config.temporalAddress;
    if (!temporalAddress) {
      devServer = await startTemporalDevServer({
        dbFile: join(config.dataDir, 'temporal', 'temporal.db'),
        port: options.embedded?.temporalPort,
        uiPort: options.embedded?.temporalUiPort,
        uiCodecEndpoint: roles.api && config.port ? `http://localhost:${config.port}/api/temporal-codec` : undefined,
        namespace: config.temporalNamespace,
        log,
      });
      stops.push(() => devServer!.stop());
      temporalAddress = devServer.address;
    }

    const running: RunningBaoxue = {
      temporalAddress,
      temporalUiUrl: devServer?.uiUrl,
      embedded: { postgres: postgres !== undefined, temporal: devServer !== undefined },
      dataSource,
      payloadCodec,
      stop,
    };

    if (!devServer) {
      // An external Temporal got our search attributes from its setup step (deploy/temporal-setup.sh): check, do not register.
      const connection = await Connection.connect({ address: temporalAddress });
      await checkSearchAttributes(connection, config.temporalNamespace).finally(() => connection.close());
    }

    if (roles.worker) {
      const connection = await NativeConnection.connect({ address: temporalAddress });
      stops.push(() => connection.close());
      const temporalClient = new Client({ connection: await Connection.connect({ address: temporalAddress }), namespace: config.temporalNamespace, dataConverter, interceptors });
      stops.push(() => temporalClient.connection.close());
      const worker = await createCaseWorker({
        connection,
        namespace: config.temporalNamespace,
        activities: {
          ...createActivities({ dataSource, responsibility }),
          ...createReconciliationActivities({ dataSource, client: temporalClient }),
          ...createMonthlyReportActivities({ dataSource, towns }),
          ...createCrossCheckActivities({ dataSource, towns, responsibility, policy: findingPolicy }),
          ...createFourOnesActivities({ dataSource, towns, responsibility, policy: findingPolicy }),
        },
        dataConverter,
        tuning: config.workerTuning,
        tracing,
      });
      const run = worker.run();
      run.catch((err) => options.onWorkerFailure?.(err));
      stops.push(async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await run.catch(() => undefined);
      });
      running.worker = worker;
      // The notification outbox: written by the projection, delivered here through the channels.
      // SMS and WeCom through the local fake provider unless real ones are configured (src/notifications/channel-settings.ts).
      const fake = usesFakeProvider(config.channels) ? await startLoggingFakeProvider(log) : undefined;
      if (fake) stops.push(() => fake.close());
      const dispatcher = new OutboxDispatcher(dataSource, buildNotificationChannels(config.channels, dataSource, fake), { log });
      dispatcher.start();
      stops.push(() => dispatcher.stop());
      running.dispatcher = dispatcher;
      // Retention: delivered outbox rows and old idempotency keys go (src/retention); the audit log stays.
      const retention = new RetentionJob(dataSource, config.retention, { log });
      retention.start();
      stops.push(() => retention.stop());
      // Ledger imports uploaded through the API: run here, off the API's request path (src/api/ledger/import-jobs.ts).
      const importJobs = new ImportJobRunner({
        dataSource,
        engine: new TemporalCaseEngine(temporalClient, policy, { callTimeoutMs: config.timeouts.temporalCallMs }),
        towns,
        limits: { maxUnpackedBytes: config.ledgerMaxUnpackedBytes, maxRows: config.ledgerMaxRows },
        log,
      });
      importJobs.start();
      stops.push(() => importJobs.stop());
      // The four sources of 四查三比对 uploaded through the API (src/finding/sources), on the same queue machinery.
      const crossCheck = temporalCrossCheckStarter(temporalClient);
      const sourceImports = new SourceImportRunner({
        dataSource,
        towns,
        limits: { maxUnpackedBytes: config.ledgerMaxUnpackedBytes, maxRows: config.ledgerMaxRows },
        log,
        // Every new version of a source is cross-checked at once (a running check is joined, not doubled).
        onImported: (town) => void crossCheck.start({ town, trigger: 'IMPORT' }).catch((err) => log(`四查三比对未能启动 / cross-check not started after an import: ${(err as Error).message}`)),
      });
      sourceImports.start();
      stops.push(() => sourceImports.stop());
      // 人账相符: the scheduled check that every open case has its workflow and the reverse.
      const schedule = await ensureReconciliationSchedule(temporalClient, { everyMs: config.reconcileEveryMs });
      log(`人账相符核对 / reconciliation schedule ${schedule}${config.reconcileEveryMs ? ` (every ${config.reconcileEveryMs / 1000} s)` : ' (off)'}`);
      // 动态监测书面报告: the report of the month before, on the 1st of each month.
      log(`动态监测书面报告 / monthly report schedule ${await ensureMonthlyReportSchedule(temporalClient)} (1st of each month, 01:00 China time)`);
      // 四查三比对 nightly, and the 四个一 rhythm: quarterly re-check and term-start visits as tasks.
      const findingSchedules = await ensureFindingSchedules(temporalClient, findingPolicy);
      log(`四查三比对 / cross-check schedules: ${Object.entries(findingSchedules).map(([id, outcome]) => `${id} ${outcome}`).join(', ')}`);
    }

    if (roles.api) {
      const connection = await Connection.connect({ address: temporalAddress });
      stops.push(() => connection.close());
      const client = new Client({ connection, namespace: config.temporalNamespace, dataConverter, interceptors });
      const engine = new TemporalCaseEngine(client, policy, { callTimeoutMs: config.timeouts.temporalCallMs });
      const hardening = { rateLimit: config.rateLimit, loginRateLimit: config.loginRateLimit, loginLockout: { afterFailures: config.loginLockoutAfter } };
      const app = await NestFactory.create(withTemporalCodecEndpoint(ApiModule.forRoot({ database: { dataSource }, engine: { useValue: engine }, towns, hardening, auth, ledgerMaxBytes: config.ledgerMaxBytes, ledgerLimits: { maxUnpackedBytes: config.ledgerMaxUnpackedBytes, maxRows: config.ledgerMaxRows }, responsibility, crossCheck: temporalCrossCheckStarter(client) }), { codec: payloadCodec, namespace: config.temporalNamespace, corsOrigins: config.codecCorsOrigins }), {
        ...NEST_APP_OPTIONS,
        logger: ['error', 'warn'],
      });
      // First of all middleware: every request gets its id, its count and latency, its log line.
      if (tracing) app.use(tracing.middleware()); // the request's span, so the log line and the Temporal call are in it
      new ApiMetrics({ dataSource, requestLog: { format: config.logFormat } }).mount(app);
      configureApp(app);
      await app.listen(config.port);
      stops.push(() => app.close());
      const address = app.getHttpServer().address() as { port: number };
      running.app = app;
      running.apiUrl = `http://127.0.0.1:${address.port}`;
      if (config.seedDemoCases && roles.worker) {
        // In the background, so the API answers at once; through the engine, so the cases are real workflows.
        const seeding = seedDemoCases({ dataSource, engine, town: towns.default.code })
          .then((r) => r.opened > 0 && log(`演示案件 / demo cases: ${r.opened} opened through the engine (${r.skipped} already there)`))
          .catch((err) => log(`演示案件未能全部建立 / demo cases not all opened: ${(err as Error).message}`));
        running.demoSeeded = seeding.then(() => undefined);
        stops.push(() => seeding); // stop after the seeding, not in the middle of it
      }
    }
    const missing = await responsibility.missingAccounts(dataSource);
    if (missing.length > 0) {
      log(`警告 / warning: 责任链中这些用户名没有有效账号，分派给他们的任务和通知无人查看 / the responsibility chains name user names without an active account (their tasks and notifications wait unread): ${missing.join(', ')}`);
    }
    return running;
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The embedded fake SMS / WeCom provider; each message it takes is written to the log (the number masked). */
async function startLoggingFakeProvider(log: (line: string) => void): Promise<FakeProvider> {
  const fake = await FakeProvider.start({
    onMessage: (m) =>
      log(
        m.channel === 'sms'
          ? `短信已发送（模拟）/ SMS sent (fake provider) to ${maskPhone(m.to)}: ${String(m.content.title)} ${String(m.content.content)}`
          : `企业微信已发送（模拟）/ WeCom message sent (fake provider) to ${m.to}`,
      ),
  });
  log(`通知渠道 / notification channels: SMS and WeCom through the local fake provider at ${fake.url} (docs/notifications.md: real providers)`);
  return fake;
}
