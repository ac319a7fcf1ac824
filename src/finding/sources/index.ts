/**
 * The four sources of 四查三比对 (issue 15): household register, school roll, attendance and
 * poverty-monitoring list, imported as files (docs/finding.md). ApiModule mounts the controller;
 * the worker role runs SourceImportRunner (src/bootstrap.ts).
 */
import type { Provider, Type } from '@nestjs/common';
import { SourcesController } from './sources.controller';
import { SourcesService } from './sources.service';

export function sourcesModuleParts(): { controllers: Type<unknown>[]; providers: Provider[] } {
  return { controllers: [SourcesController], providers: [SourcesService] };
}

export { SourceImportRunner } from './source-jobs';
