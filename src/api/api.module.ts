/**
 * The HTTP API as one dynamic module, composed by main.ts (real database, Temporal engine) and by
 * tests (test database, fake engine) the same way:
 *
 *   ApiModule.forRoot({
 *     database: { dataSource },             // or { url } to let the module open, migrate and close its own
 *     engine: { useValue: temporalEngine }, // or { useFactory, inject, imports }
 *     towns: loadTowns(config.townPaths),  // every town the deployment serves; the first is the default
 *     auth: { tokenSecret },                // log-in (src/api/auth); every route but @Public ones needs a token
 *   })
 *
 * Every request a controller handles is checked by the global AuthGuard and recorded by the global
 * AuditInterceptor (src/api/audit).
 */
import {
  DynamicModule,
  Inject,
  Injectable,
  InjectionToken,
  Module,
  ModuleMetadata,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  Optional,
  Provider,
} from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, HttpAdapterHost } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { CaseQueries } from '../read-model/case-queries';
import { SupportQueries } from '../read-model/support-queries';
import { EducationAidController } from './support/education-aid.controller';
import { createDataSource, openReadModel } from '../read-model/data-source';
import { Towns } from '../read-model/town';
import { errorBody } from './api-exception.filter';
import { AuditController } from './audit/audit.controller';
import { AuditInterceptor } from './audit/audit.interceptor';
import { AuditLog } from './audit/audit-log';
import { AuthController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { AUTH_OPTIONS, AuthOptions, defaultAuthOptions } from './auth/auth.options';
import { AuthService } from './auth/auth.service';
import { TokenService } from './auth/token.service';
import { SessionStore } from './auth/sessions';
import { UserStore } from './auth/user-store';
import { CASE_ENGINE, CaseEngine } from './case-engine.port';
import { ChildrenController } from './children/children.controller';
import { ChildrenService } from './children/children.service';
import { LedgerController } from './ledger/ledger.controller';
import { TownsController } from './towns/towns.controller';
import { LedgerService } from './ledger/ledger.service';
import { MulterModule } from '@nestjs/platform-express';
import { DEFAULT_LEDGER_MAX_BYTES } from '../config';
import { DEFAULT_READ_LIMITS } from '../ledger/import-ledger';
import type { ReadLimits } from '../ledger/read-sheet';
import { ActOnCaseController } from './cases/act-on-case/act-on-case.controller';
import { ActOnCaseService } from './cases/act-on-case/act-on-case.service';
import { ActionBodyPipe } from './cases/act-on-case/action-body.pipe';
import { CasePresenter } from './cases/case.views';
import { GetCaseController } from './cases/get-case/get-case.controller';
import { ListCasesController } from './cases/list-cases/list-cases.controller';
import { ReportCaseController } from './cases/report-case/report-case.controller';
import { ReportCaseService } from './cases/report-case/report-case.service';
import { ApiError } from './errors';
import { HardeningSettings, hardeningModuleParts } from './hardening';
import { DocumentsController } from './documents/documents.controller';
import { DocumentsService } from './documents/documents.service';
import { HealthController } from './health/health.controller';
import { MeController } from './me/me.controller';
import { ChannelPreferencesController } from '../notifications/channel-preferences.controller';
import { ChannelPreferences, NOTIFICATION_CHANNEL_NAMES } from '../notifications/channel-preferences';
import { IN_APP_CHANNEL } from '../notifications/channel';
import { CaseResponsibilityController } from './responsibility/case-responsibility.controller';
import { TaskQueries } from '../read-model/task-queries';
import { CLOCK, Clock, LEDGER_LIMITS, TOWN, TOWNS } from './tokens';
import { dashboardModuleParts } from '../dashboard';
import { whatIfModuleParts } from '../what-if';
import { accountsModuleParts } from '../accounts';
import { sourcesModuleParts } from '../finding/sources';
import { CrossCheckStarter, findingCheckModuleParts } from '../finding/check';
import type { ResponsibilityDirectory } from '../responsibility/directory';

export type ApiDatabaseOption =
  /** A data source the caller initialised and migrated, and will destroy. */
  | { dataSource: DataSource }
  /** The module opens, migrates (unless migrate: false) and, at shutdown, closes its own. */
  | { url: string; migrate?: boolean; poolSize?: number };

export type ApiEngineOption =
  | { useValue: CaseEngine }
  | {
      useFactory: (...deps: any[]) => CaseEngine | Promise<CaseEngine>;
      inject?: InjectionToken[];
      imports?: ModuleMetadata['imports'];
    };

export interface ApiModuleOptions {
  database: ApiDatabaseOption;
  engine: ApiEngineOption;
  towns: Towns;
  /** Token key and proxy trust (src/api/auth); without it tokens are signed with a key that lives as long as the process. */
  auth?: AuthOptions;
  /** Largest ledger upload in bytes (BAOXUE_LEDGER_MAX_SIZE; default 20 MB): a larger one is 413 REQUEST.TOO_LARGE. */
  ledgerMaxBytes?: number;
  /** The ledger file's unpacked size and rows (BAOXUE_LEDGER_MAX_UNPACKED, BAOXUE_LEDGER_MAX_ROWS; defaults 100 MB, 50,000). */
  ledgerLimits?: ReadLimits;
  /** The responsibility chains (the accounts pages show each account's posts); without them no posts are shown. */
  responsibility?: ResponsibilityDirectory;
  /** Rate limits and idempotency settings; defaults when absent (300 requests a minute per client, 10 log-ins per IP). */
  hardening?: HardeningSettings;
  /** "Now" for date rules (default the system clock); tests pin it to the date their fixtures were written for. */
  clock?: Clock;
  /** Starts the cross-check workflow (src/finding/check); without it POST /api/finding/cross-check answers 503. */
  crossCheck?: CrossCheckStarter;
}

const OWNED_DATA_SOURCE = Symbol('OWNED_DATA_SOURCE');

/** Closes the data source at shutdown when the module opened it. */
@Injectable()
class DataSourceLifecycle implements OnApplicationShutdown {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(OWNED_DATA_SOURCE) private readonly owned: boolean,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.owned && this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/**
 * Answers requests outside the /api prefix that nothing else handled (Nest's own not-found
 * handler covers only the prefix) with the same error shape. Mounted after init, so routes,
 * Swagger and static files registered before it win.
 */
@Injectable()
class RootNotFoundFallback implements OnApplicationBootstrap {
  constructor(@Optional() private readonly adapterHost?: HttpAdapterHost) {}

  onApplicationBootstrap(): void {
    const adapter = this.adapterHost?.httpAdapter;
    if (!adapter || adapter.getType() !== 'express') return;
    adapter.use((req: { originalUrl: string }, res: { headersSent: boolean; status(c: number): { json(b: unknown): void } }, next: () => void) => {
      if (res.headersSent) return next();
      res.status(404).json(errorBody(new ApiError('ROUTE.NOT_FOUND'), req.originalUrl));
    });
  }
}

@Module({})
export class ApiModule {
  static forRoot(options: ApiModuleOptions): DynamicModule {
    const { database, engine, towns } = options;
    // Rate limits count clients by the same address the audit log records (the same proxy trust).
    const dashboard = dashboardModuleParts(); // /api/dashboard/*, /api/reports/* (src/dashboard)
    const whatIf = whatIfModuleParts(); // /api/what-if (src/what-if)
    const accounts = accountsModuleParts(options.responsibility); // /api/accounts (src/accounts)
    const sources = sourcesModuleParts(); // /api/sources/* (src/finding/sources)
    const finding = findingCheckModuleParts(options.crossCheck); // /api/finding (src/finding/check)
    const hardening = hardeningModuleParts({ trustProxyHops: options.auth?.trustProxyHops, ...options.hardening });
    const dataSourceProvider: Provider =
      'dataSource' in database
        ? { provide: DataSource, useValue: database.dataSource }
        : {
            provide: DataSource,
            useFactory: async () => {
              const settings = { url: database.url, poolSize: database.poolSize, applicationName: 'baoxue-api' };
              if (database.migrate !== false) return openReadModel(settings);
              return createDataSource(settings).initialize();
            },
          };
    const engineProvider: Provider =
      'useValue' in engine
        ? { provide: CASE_ENGINE, useValue: engine.useValue }
        : { provide: CASE_ENGINE, useFactory: engine.useFactory, inject: engine.inject ?? [] };
    return {
      module: ApiModule,
      imports: [
        ...('useFactory' in engine ? (engine.imports ?? []) : []),
        ...hardening.imports,
        // Without a destination multer keeps uploads in memory (a ledger is a few MB at most); it stops at the limit.
        MulterModule.register({ limits: { fileSize: options.ledgerMaxBytes ?? DEFAULT_LEDGER_MAX_BYTES, files: 1 } }),
      ],
      controllers: [
        HealthController,
        AuthController,
        ReportCaseController,
        ListCasesController,
        GetCaseController,
        ActOnCaseController,
        AuditController,
        EducationAidController,
        DocumentsController,
        MeController,
        ChannelPreferencesController,
        CaseResponsibilityController,
        ChildrenController,
        LedgerController,
        TownsController,
        ...dashboard.controllers,
        ...whatIf.controllers,
        ...accounts.controllers,
        ...sources.controllers,
        ...finding.controllers,
      ],
      providers: [
        dataSourceProvider,
        engineProvider,
        { provide: TOWNS, useValue: towns },
        { provide: CLOCK, useValue: options.clock ?? (() => new Date()) },
        { provide: TOWN, useValue: towns.default },
        { provide: LEDGER_LIMITS, useValue: options.ledgerLimits ?? DEFAULT_READ_LIMITS },
        { provide: OWNED_DATA_SOURCE, useValue: !('dataSource' in database) },
        { provide: CaseQueries, useFactory: (ds: DataSource) => new CaseQueries(ds), inject: [DataSource] },
        { provide: SupportQueries, useFactory: (ds: DataSource) => new SupportQueries(ds), inject: [DataSource] },
        { provide: TaskQueries, useFactory: (ds: DataSource) => new TaskQueries(ds), inject: [DataSource] },
        // /api/me/channels: the channels the projection writes outbox rows for.
        { provide: NOTIFICATION_CHANNEL_NAMES, useValue: options.responsibility?.channels ?? [IN_APP_CHANNEL] },
        ChannelPreferences,
        DataSourceLifecycle,
        RootNotFoundFallback,
        CasePresenter,
        ReportCaseService,
        ActOnCaseService,
        ActionBodyPipe,
        DocumentsService,
        ChildrenService,
        LedgerService,
        // Log-in on every route but @Public ones, and an audit row for every request (src/api/auth, src/api/audit).
        { provide: AUTH_OPTIONS, useValue: options.auth ?? defaultAuthOptions() },
        TokenService,
        SessionStore,
        UserStore,
        AuthService,
        AuditLog,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
        ...hardening.providers,
        ...dashboard.providers,
        ...whatIf.providers,
        ...accounts.providers,
        ...sources.providers,
        ...finding.providers,
      ],
      exports: [DataSource, CASE_ENGINE, TOWNS, TOWN, CaseQueries],
    };
  }
}

/** The same as ApiModule.forRoot. */
export function createApiModule(options: ApiModuleOptions): DynamicModule {
  return ApiModule.forRoot(options);
}
