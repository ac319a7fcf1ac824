/**
 * What-if policy replay (docs/what-if.md): the controller and service ApiModule mounts (they use its
 * DataSource, the case engine and the clock).
 */
import type { Provider, Type } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CASE_ENGINE, CaseEngine } from '../api/case-engine.port';
import { CLOCK, Clock } from '../api/tokens';
import { WhatIfController } from './what-if.controller';
import { WhatIfService } from './what-if.service';

export function whatIfModuleParts(): { controllers: Type<unknown>[]; providers: Provider[] } {
  return {
    controllers: [WhatIfController],
    providers: [{ provide: WhatIfService, useFactory: (ds: DataSource, engine: CaseEngine, clock: Clock) => new WhatIfService(ds, engine, clock), inject: [DataSource, CASE_ENGINE, CLOCK] }],
  };
}
