/**
 * The leading group's dashboard, the caseworker's page and the monthly monitoring report:
 * controllers and providers ApiModule mounts (they use its DataSource, CaseQueries, presenter and town).
 */
import type { Provider, Type } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TOWNS } from '../api/tokens';
import type { Towns } from '../read-model/town';
import { DashboardController } from './dashboard.controller';
import { DashboardQueries } from './dashboard-queries';
import { ReportsController } from './reports/reports.controller';

export function dashboardModuleParts(): { controllers: Type<unknown>[]; providers: Provider[] } {
  return {
    controllers: [DashboardController, ReportsController],
    providers: [{ provide: DashboardQueries, useFactory: (ds: DataSource, towns: Towns) => new DashboardQueries(ds, towns), inject: [DataSource, TOWNS] }],
  };
}

export { serveWebPages } from './web-pages';
