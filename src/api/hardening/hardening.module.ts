/**
 * What ApiModule.forRoot adds for the hardening (providers in the API module's own scope, so the
 * idempotency store shares its DataSource):
 *
 *   const hardening = hardeningModuleParts(options.hardening);
 *   { imports: [...hardening.imports], providers: [...hardening.providers] }
 *
 * and what configureApp mounts in Express: securityHeaders() before the body parsers,
 * inputSanityMiddleware() after them.
 */
import type { DynamicModule, Provider } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { HardeningInterceptor } from './hardening.interceptor';
import { HARDENING_OPTIONS, HardeningOptions, HardeningSettings, hardeningOptions } from './hardening.options';
import { IdempotencyStore } from './idempotency';
import { LoginThrottle } from './login-throttle';
import { RateLimitGuard, rateLimitModule } from './rate-limit';
import { PostgresThrottlerStorage } from './rate-limit-store';
import { ThrottlerStorage } from '@nestjs/throttler';

export function hardeningModuleParts(settings?: HardeningSettings): { imports: DynamicModule[]; providers: Provider[] } {
  const options = hardeningOptions(settings);
  return {
    imports: [rateLimitModule(options)],
    providers: [
      { provide: HARDENING_OPTIONS, useValue: options },
      // The guard's counters in PostgreSQL, shared by every API process (resolved here before the throttler module's own in-memory store).
      { provide: ThrottlerStorage, useFactory: (dataSource: DataSource) => new PostgresThrottlerStorage(dataSource), inject: [DataSource] },
      RateLimitGuard,
      LoginThrottle,
      {
        provide: IdempotencyStore,
        useFactory: (dataSource: DataSource, o: HardeningOptions) => new IdempotencyStore(dataSource, o.idempotency),
        inject: [DataSource, HARDENING_OPTIONS],
      },
      { provide: APP_INTERCEPTOR, useClass: HardeningInterceptor },
    ],
  };
}
