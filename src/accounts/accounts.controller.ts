/**
 * /api/accounts: the town administrator's account administration (./accounts.service.ts). Every
 * route is for TOWN_ADMIN alone (403 for every other role, recorded) and every answer and refusal
 * is in the audit log; a change's row names the fields that changed, before and after, never a
 * password.
 */
import { Body, Controller, Get, HttpCode, HttpStatus, Injectable, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ACCOUNT_ADMIN_ROLES } from '../access/permissions';
import { Audit } from '../api/audit/audit.decorator';
import type { AuditNote } from '../api/audit/audit.interceptor';
import type { AuthUser } from '../api/auth/auth-user';
import { CurrentUser } from '../api/auth/current-user.decorator';
import { RequireRoles } from '../api/auth/require-roles.decorator';
import { ApiErrorResponses } from '../api/swagger';
import { SkipIdempotency } from '../api/hardening/idempotency';
import { UuidParamPipe } from '../api/validation/uuid-param.pipe';
import {
  AccountDto,
  AccountListDto,
  CreateAccountRequestDto,
  CreatedAccountDto,
  ListAccountsQueryDto,
  PasswordResetDto,
  UpdateAccountRequestDto,
} from './accounts.dtos';
import { AccountsService } from './accounts.service';

/** An account id is a UUID; anything else is a 400 ACCOUNT.INVALID_ID. */
@Injectable()
export class AccountIdPipe extends UuidParamPipe {
  protected readonly code = 'ACCOUNT.INVALID_ID';
  protected readonly idName = { zh: '账号编号', en: 'account id' };
}

const ADMIN_ONLY = '仅限本镇账号管理员（TOWN_ADMIN），只能管理本镇的账号。 / For the town administrator (TOWN_ADMIN), on their own town\'s accounts only.';

@ApiTags('accounts 账号管理')
@ApiBearerAuth()
@Controller('accounts')
@RequireRoles(...ACCOUNT_ADMIN_ROLES)
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Get()
  @Audit('LIST_ACCOUNTS')
  @ApiOperation({
    summary: '本镇账号 / The town\'s accounts',
    description: `可按岗位、是否在用、用户名或姓名筛选；附责任链中无人担任的岗位。 / Filter by role, active, name; with the chain posts nobody active holds. ${ADMIN_ONLY}`,
  })
  @ApiOkResponse({ type: AccountListDto })
  @ApiErrorResponses('REQUEST.VALIDATION_FAILED', 'AUTH.REQUIRED', 'AUTH.INVALID_TOKEN', 'AUTH.FORBIDDEN', 'AUTH.PASSWORD_CHANGE_REQUIRED')
  list(@Query() query: ListAccountsQueryDto, @CurrentUser() admin: AuthUser): Promise<AccountListDto> {
    return this.accounts.list(admin, query);
  }

  @Get(':id')
  @Audit('READ_ACCOUNT')
  @ApiOperation({ summary: '一个账号 / One account', description: `其他乡镇的账号回答 404。 / Another town's account: 404. ${ADMIN_ONLY}` })
  @ApiParam({ name: 'id', format: 'uuid', description: '账号编号 / account id' })
  @ApiOkResponse({ type: AccountDto })
  @ApiErrorResponses('ACCOUNT.INVALID_ID', 'ACCOUNT.NOT_FOUND', 'AUTH.REQUIRED', 'AUTH.INVALID_TOKEN', 'AUTH.FORBIDDEN', 'AUTH.PASSWORD_CHANGE_REQUIRED')
  read(@Param('id', AccountIdPipe) id: string, @CurrentUser() admin: AuthUser): Promise<AccountDto> {
    return this.accounts.read(admin, id);
  }

  @Post()
  @Audit('CREATE_ACCOUNT')
  @SkipIdempotency() // the answer holds a one-time password: never stored for a replay
  @ApiOperation({
    summary: '新建账号 / Create an account',
    description:
      '回答一次性密码（只显示这一次），本人首次登录时须修改。校长须填学校，班主任须填学校、年级和班级，村支书、村干部须填责任区；岗位用不到的字段不保存。' +
      ` / Answers a one-time password, shown this once; the person changes it at the first log-in. A principal needs a school, a class teacher school, grade and class, a village role an area; fields the role does not use are not kept. ${ADMIN_ONLY}`,
  })
  @ApiCreatedResponse({ type: CreatedAccountDto })
  @ApiErrorResponses(
    'REQUEST.VALIDATION_FAILED',
    'ACCOUNT.USERNAME_TAKEN',
    'ACCOUNT.PLACE_REQUIRED',
    'AREA.UNKNOWN',
    'SCHOOL.UNKNOWN',
    'AUTH.REQUIRED',
    'AUTH.INVALID_TOKEN',
    'AUTH.FORBIDDEN',
    'AUTH.PASSWORD_CHANGE_REQUIRED',
  )
  async create(
    @Body() body: CreateAccountRequestDto,
    @CurrentUser() admin: AuthUser,
    @Req() request: { audit?: AuditNote },
    @Res({ passthrough: true }) res: { setHeader(name: string, value: string): void },
  ): Promise<CreatedAccountDto> {
    const { account, oneTimePassword, changes } = await this.accounts.create(admin, body);
    request.audit = { detail: { accountId: account.id, username: account.username, changes } };
    res.setHeader('Location', `/api/accounts/${account.id}`);
    return { account, oneTimePassword };
  }

  @Patch(':id')
  @Audit('UPDATE_ACCOUNT')
  @ApiOperation({
    summary: '修改或停用账号 / Edit or switch off an account',
    description:
      '只改所给字段：姓名、岗位、责任区、学校、年级、班级、active（false 停用，其登录全部结束；true 恢复）。不能停用自己或取消自己的管理员岗位。' +
      ` / Changes the fields given: name, role, place, active (false switches the account off and ends its sessions; true back on). Not your own account's active or role. ${ADMIN_ONLY}`,
  })
  @ApiParam({ name: 'id', format: 'uuid', description: '账号编号 / account id' })
  @ApiOkResponse({ type: AccountDto })
  @ApiErrorResponses(
    'ACCOUNT.INVALID_ID',
    'ACCOUNT.NOT_FOUND',
    'REQUEST.VALIDATION_FAILED',
    'ACCOUNT.PLACE_REQUIRED',
    'ACCOUNT.OWN_ACCOUNT',
    'AREA.UNKNOWN',
    'SCHOOL.UNKNOWN',
    'AUTH.REQUIRED',
    'AUTH.INVALID_TOKEN',
    'AUTH.FORBIDDEN',
    'AUTH.PASSWORD_CHANGE_REQUIRED',
  )
  async update(
    @Param('id', AccountIdPipe) id: string,
    @Body() body: UpdateAccountRequestDto,
    @CurrentUser() admin: AuthUser,
    @Req() request: { audit?: AuditNote },
  ): Promise<AccountDto> {
    const { account, changes, sessionsEnded } = await this.accounts.update(admin, id, body);
    request.audit = { detail: { accountId: account.id, username: account.username, changes, ...(sessionsEnded ? { sessionsEnded } : {}) } };
    return account;
  }

  @Post(':id/password-reset')
  @Audit('RESET_PASSWORD')
  @SkipIdempotency() // the answer holds a one-time password: never stored for a replay
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: '重置密码 / Reset the password',
    description:
      '生成新的一次性密码（只显示这一次）：原密码失效，该账号的登录全部结束，下次登录须修改密码。自己的密码请用 POST /api/auth/password。' +
      ` / A new one-time password, shown this once: the old one stops working, every session of the account ends, the next log-in must change it. Your own: POST /api/auth/password. ${ADMIN_ONLY}`,
  })
  @ApiParam({ name: 'id', format: 'uuid', description: '账号编号 / account id' })
  @ApiOkResponse({ type: PasswordResetDto })
  @ApiErrorResponses('ACCOUNT.INVALID_ID', 'ACCOUNT.NOT_FOUND', 'ACCOUNT.OWN_ACCOUNT', 'AUTH.REQUIRED', 'AUTH.INVALID_TOKEN', 'AUTH.FORBIDDEN', 'AUTH.PASSWORD_CHANGE_REQUIRED')
  async resetPassword(@Param('id', AccountIdPipe) id: string, @CurrentUser() admin: AuthUser, @Req() request: { audit?: AuditNote }): Promise<PasswordResetDto> {
    const { account, oneTimePassword, sessionsEnded } = await this.accounts.resetPassword(admin, id);
    request.audit = { detail: { accountId: account.id, username: account.username, sessionsEnded } };
    return { account, oneTimePassword };
  }
}
