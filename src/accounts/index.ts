/**
 * Account administration (src/accounts): the controller and providers ApiModule mounts (they use
 * its DataSource, towns and sessions). The chains, when given, show each account's posts.
 */
import type { Provider, Type } from '@nestjs/common';
import type { ResponsibilityDirectory } from '../responsibility/directory';
import { AccountsController } from './accounts.controller';
import { ACCOUNT_CHAINS, AccountsService } from './accounts.service';

export function accountsModuleParts(chains?: ResponsibilityDirectory): { controllers: Type<unknown>[]; providers: Provider[] } {
  return {
    controllers: [AccountsController],
    providers: [AccountsService, ...(chains ? [{ provide: ACCOUNT_CHAINS, useValue: chains }] : [])],
  };
}
