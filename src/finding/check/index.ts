/**
 * 四查三比对 and the three ledgers (issue 15, the cross-check half; the sources are the `finding`
 * imports): the controller and providers ApiModule mounts, the worker's activities and schedules.
 */
import type { Provider, Type } from '@nestjs/common';
import { FindingController } from './finding.controller';
import { FindingService } from './finding.service';
import type { CrossCheckStarter } from './schedule';
import { CROSS_CHECK_STARTER } from './tokens';

/** Without a starter (tests of other parts) a requested run answers 503 FINDING.CHECK_UNAVAILABLE. */
export function findingCheckModuleParts(starter?: CrossCheckStarter): { controllers: Type<unknown>[]; providers: Provider[] } {
  const none: CrossCheckStarter = { start: () => Promise.reject(new Error('no Temporal client: the cross-check cannot be started here')) };
  return { controllers: [FindingController], providers: [FindingService, { provide: CROSS_CHECK_STARTER, useValue: starter ?? none }] };
}

export { createCrossCheckActivities, createFourOnesActivities } from './activities';
export { ensureFindingSchedules, startCrossCheck, temporalCrossCheckStarter } from './schedule';
export type { CrossCheckStarter } from './schedule';
export { loadFindingPolicy } from './finding-policy';
