import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ACTION_TYPES, EVENT_LABELS } from '../../../workflows/vocabulary';
import { Actor, ACTOR_HEADER_DOC } from '../../actor';
import { ApiErrorResponses } from '../../swagger';
import { CaseIdPipe } from '../case-id.pipe';
import { ActionResultDto } from '../case.views';
import { ACTION_DTOS, ActionRequest } from './action.dtos';
import { ActionBodyPipe } from './action-body.pipe';
import { ActOnCaseService } from './act-on-case.service';

const DTO_CLASSES = Object.values(ACTION_DTOS);

@ApiTags('cases 案件')
@ApiExtraModels(...DTO_CLASSES)
@Controller('cases')
export class ActOnCaseController {
  constructor(private readonly service: ActOnCaseService) {}

  @Post(':id/actions')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: '办理：记录一项操作 / Act on a case',
    description:
      '`type` 决定其余字段。办理人取自 X-Actor。当前阶段不允许的操作返回 409 CASE.ACTION_NOT_ALLOWED，并在 details.allowedActions 列出可做的操作。' +
      ' / `type` decides the other fields; the actor comes from X-Actor.\n\n' +
      ACTION_TYPES.map((t) => `- \`${t}\` ${EVENT_LABELS[t].zh} / ${EVENT_LABELS[t].en}`).join('\n'),
  })
  @ApiParam({ name: 'id', format: 'uuid', description: '案件编号 / case id' })
  @ApiHeader(ACTOR_HEADER_DOC)
  @ApiBody({
    schema: {
      oneOf: DTO_CLASSES.map((dto) => ({ $ref: getSchemaPath(dto) })),
      discriminator: {
        propertyName: 'type',
        mapping: Object.fromEntries(Object.entries(ACTION_DTOS).map(([type, dto]) => [type, getSchemaPath(dto)])),
      },
    },
    examples: {
      homeVisit: { summary: '记录家访 / home visit', value: { type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED', visitedOn: '2024-03-01', note: '监护人称孩子在外打工' } },
      correctionOrder: { summary: '责令限期改正 / order to correct', value: { type: 'ISSUE_CORRECTION_ORDER', orderNumber: '故府责改〔2024〕3号', correctWithin: '15d' } },
      pause: { summary: '暂停 / pause', value: { type: 'PAUSE', reason: '住院治疗' } },
    },
  })
  @ApiOkResponse({ type: ActionResultDto, description: '操作后的案件与新事件 / the case after the action and its new events' })
  @ApiErrorResponses(
    'REQUEST.VALIDATION_FAILED',
    'REQUEST.INVALID_JSON',
    'ACTION.UNKNOWN_TYPE',
    'ACTION.INVALID',
    'CASE.INVALID_ID',
    'CASE.NOT_FOUND',
    'CASE.ACTION_NOT_ALLOWED',
    'CASE.CLOSED',
    'ENGINE.UNAVAILABLE',
  )
  act(@Param('id', CaseIdPipe) id: string, @Body(ActionBodyPipe) body: ActionRequest, @Actor() actor: string): Promise<ActionResultDto> {
    return this.service.act(id, body, actor);
  }
}
