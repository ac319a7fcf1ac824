/**
 * A human action on a case: the read model answers "no such case" and "already ended" at once;
 * otherwise the engine decides (its refusals become 409/400 in the exception filter).
 */
import { Inject, Injectable } from '@nestjs/common';
import { CaseQueries } from '../../../read-model/case-queries';
import { CASE_ENGINE, CaseEngine } from '../../case-engine.port';
import { ApiError } from '../../errors';
import { ActionResultDto, CasePresenter } from '../case.views';
import { ActionRequest, toCaseAction } from './action.dtos';

@Injectable()
export class ActOnCaseService {
  constructor(
    private readonly queries: CaseQueries,
    private readonly presenter: CasePresenter,
    @Inject(CASE_ENGINE) private readonly engine: CaseEngine,
  ) {}

  async act(caseId: string, body: ActionRequest, actor: string): Promise<ActionResultDto> {
    const open = await this.queries.isOpen(caseId);
    if (open === undefined) throw new ApiError('CASE.NOT_FOUND', { details: { caseId } });
    if (!open) throw new ApiError('CASE.CLOSED', { details: { caseId } });
    const result = await this.engine.act(caseId, toCaseAction(body, actor));
    return {
      case: this.presenter.snapshot(result.snapshot),
      events: result.events.map((e) => this.presenter.event(e)),
    };
  }
}
