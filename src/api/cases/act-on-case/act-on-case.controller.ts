import { Body, Controller, HttpCode, HttpStatus, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ACTION_TYPES, EVENT_LABELS } from '../../../workflows/vocabulary';
import { Audit } from '../../audit/audit.decorator';
import type { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { ApiErrorResponses } from '../../swagger';
import { CaseIdPipe } from '../case-id.pipe';
import { ActionResultDto } from '../case.views';
import { ACTION_DTOS, ActionRequest } from './action.dtos';
import { ActionBodyPipe } from './action-body.pipe';
import { ActOnCaseService } from './act-on-case.service';
import { parseIdempotencyKey } from '../../hardening/idempotency';

const DTO_CLASSES = Object.values(ACTION_DTOS);

@ApiTags('cases 案件')
@ApiBearerAuth()
@ApiExtraModels(...DTO_CLASSES)
@Controller('cases')
export class ActOnCaseController {
  constructor(private readonly service: ActOnCaseService) {}

  @Post(':id/actions')
  @HttpCode(HttpStatus.OK)
  @Audit('ACT')
  @ApiOperation({
    summary: '办理：记录一项操作 / Act on a case',
    description:
      '`type` 决定其余字段。办理人即登录用户。您无权查看的案件回答 404；您的岗位不能做的操作回答 403 AUTH.FORBIDDEN，并列出岗位可做的操作；' +
      '当前阶段不允许的操作返回 409 CASE.ACTION_NOT_ALLOWED，并在 details.allowedActions 列出现在可做（且岗位可做）的操作。' +
      ' / `type` decides the other fields; the actor is the logged-in user. A case outside your scope answers 404; an action your role' +
      ' may not take 403 AUTH.FORBIDDEN listing what it may take; an action the stage does not allow 409, listing what is possible now for your role.' +
      ' EXTEND_DEADLINE 的 approver 是批准人的用户名（本镇组长、副组长或统筹负责人），否则 400 ACTION.APPROVER_UNKNOWN 或 403 ACTION.APPROVER_NOT_ALLOWED；' +
      'ADD_SUPPORT 的 owner 是负责人的用户名。 / The approver of EXTEND_DEADLINE is a username of a leader, deputy leader or coordinator of the town' +
      ' (else 400 ACTION.APPROVER_UNKNOWN or 403 ACTION.APPROVER_NOT_ALLOWED); the owner of ADD_SUPPORT is a username.' +
      ' 政策有审批（approvals）时，销号、进入司法文书、超限延期、缓学/休学先 REQUEST_APPROVAL，再由政策规定岗位的人 APPROVE_REQUEST 或 REJECT_REQUEST（附意见），' +
      '其他岗位 403 APPROVAL.ROLE_NOT_ALLOWED；不能审批自己的申请（403 APPROVAL.OWN_REQUEST）。 / Under a policy with approvals, closure, the judicial stage, an extension beyond the limit and an exemption' +
      ' are asked with REQUEST_APPROVAL and decided with APPROVE_REQUEST or REJECT_REQUEST (with a comment) by a role the policy names; other roles 403 APPROVAL.ROLE_NOT_ALLOWED; nobody decides their own request (403 APPROVAL.OWN_REQUEST).\n\n' +
      'ADD_SUPPORT 的 owner 是负责人的用户名。REQUEST_TRANSFER 的 toTown 是本部署的其他乡镇（否则 400 TRANSFER.TOWN_UNKNOWN）；ACCEPT_TRANSFER、DECLINE_TRANSFER 由被申请的乡镇答复（ACCEPT 的 area、school 是该镇的，否则 400 AREA/SCHOOL.UNKNOWN）。' +
      ' / REQUEST_TRANSFER names another town of the deployment (else 400 TRANSFER.TOWN_UNKNOWN); the town asked answers with ACCEPT_TRANSFER or DECLINE_TRANSFER (the area and school of ACCEPT are its own, else 400 AREA/SCHOOL.UNKNOWN). The approver of EXTEND_DEADLINE is a username of a leader, deputy leader or coordinator of the town' +
      ' (else 400 ACTION.APPROVER_UNKNOWN or 403 ACTION.APPROVER_NOT_ALLOWED); the owner of ADD_SUPPORT is a username.\n\n' +
      ACTION_TYPES.map((t) => `- \`${t}\` ${EVENT_LABELS[t].zh} / ${EVENT_LABELS[t].en}`).join('\n'),
  })
  @ApiParam({ name: 'id', format: 'uuid', description: '案件编号 / case id' })
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
      extend: {
        summary: '延期（批准人为用户名）/ extend a due date (the approver is a username)',
        value: { type: 'EXTEND_DEADLINE', newDueAt: '2026-10-20T17:00:00+08:00', reason: '监护人外出务工，国庆后返乡', approver: 'leader' },
      },
      addSupport: {
        summary: '帮扶措施 / add a support measure',
        value: { type: 'ADD_SUPPORT', measure: 'EDUCATION_AID', owner: 'officer', dueAt: '2026-10-20T17:00:00+08:00', note: '申请家庭经济困难学生资助' },
      },
      requestApproval: { summary: '提请审批（销号）/ request approval (closure)', value: { type: 'REQUEST_APPROVAL', decision: 'CLOSURE', reason: '跟踪期满，学生稳定在校' } },
      approve: { summary: '审批通过 / approve a request', value: { type: 'APPROVE_REQUEST', approvalId: '0b6f7c1e-2a51-4c1e-9d43-3f7a2c9e8b10:9', comment: '同意销号' } },
      supportOutcome: {
        summary: '帮扶结果 / record a measure’s outcome',
        value: { type: 'RECORD_SUPPORT_OUTCOME', measureId: '0b6f7c1e-2a51-4c1e-9d43-3f7a2c9e8b10:4', outcome: 'GRANTED', note: '已发放资助' },
      },
    },
  })
  @ApiOkResponse({ type: ActionResultDto, description: '操作后的案件与新事件 / the case after the action and its new events' })
  @ApiErrorResponses(
    'REQUEST.VALIDATION_FAILED',
    'REQUEST.INVALID_JSON',
    'ACTION.UNKNOWN_TYPE',
    'ACTION.INVALID',
    'ACTION.APPROVER_UNKNOWN',
    'ACTION.APPROVER_NOT_ALLOWED',
    'APPROVAL.ROLE_NOT_ALLOWED',
    'APPROVAL.OWN_REQUEST',
    'ACTION.OWNER_UNKNOWN',
    'TRANSFER.TOWN_UNKNOWN',
    'AREA.UNKNOWN',
    'SCHOOL.UNKNOWN',
    'CASE.INVALID_ID',
    'CASE.NOT_FOUND',
    'CASE.ACTION_NOT_ALLOWED',
    'CASE.CLOSED',
    'ENGINE.UNAVAILABLE',
    'AUTH.REQUIRED',
    'AUTH.INVALID_TOKEN',
    'AUTH.FORBIDDEN',
  )
  act(
    @Param('id', CaseIdPipe) id: string,
    @Body(ActionBodyPipe) body: ActionRequest,
    @CurrentUser() user: AuthUser,
    // Read from the request, not @Headers: the header is documented once, for every POST, by the hardening module.
    @Req() request: { headers: Record<string, string | string[] | undefined> },
  ): Promise<ActionResultDto> {
    return this.service.act(id, body, user, parseIdempotencyKey(request.headers['idempotency-key']));
  }
}
