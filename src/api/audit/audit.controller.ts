import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { AUDIT_KINDS, AuditEntryEntity, AuditKind } from '../../read-model/entities';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { PERMISSIONS } from '../../access/permissions';
import { RequireRoles } from '../auth/require-roles.decorator';
import { ROLE_LABELS, ROLES } from '../../access/roles';
import { ApiErrorResponses } from '../swagger';
import { Audit } from './audit.decorator';
import { AUDIT_KIND_LABELS } from './audit-kind-labels';
import { LabelDto } from '../cases/case.views';
import { AUDIT_MAX_PAGE_SIZE, AuditLog } from './audit-log';
import { toInteger } from '../validation/query-params';


export class AuditQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: '案件编号 / case id' })
  @IsOptional()
  @IsUUID('all')
  caseId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: '儿童编号（如 what=WRITE_REFUSED：谁试图改动这名儿童）/ child id (with what=WRITE_REFUSED: who tried to change this child)' })
  @IsOptional()
  @IsUUID('all')
  childId?: string;

  @ApiPropertyOptional({ example: 'teacher', description: '用户名 / user name' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  username?: string;

  @ApiPropertyOptional({ enum: AUDIT_KINDS })
  @IsOptional()
  @IsIn(AUDIT_KINDS)
  what?: AuditKind;

  @ApiPropertyOptional({ example: 1, minimum: 1, default: 1 })
  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(1)
  page?: number;

  @ApiPropertyOptional({ example: 50, minimum: 1, maximum: AUDIT_MAX_PAGE_SIZE, default: 50 })
  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(1)
  @Max(AUDIT_MAX_PAGE_SIZE)
  pageSize?: number;
}

export class AuditEntryDto {
  @ApiProperty({ example: '42', description: '写入顺序 / order of writing' })
  id!: string;

  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  userId!: string | null;

  @ApiProperty({ type: 'string', nullable: true, example: 'teacher' })
  username!: string | null;

  @ApiProperty({ nullable: true, enum: ROLES })
  role!: string | null;

  @ApiProperty({ type: 'string', nullable: true, example: '203.0.113.7' })
  ip!: string | null;

  @ApiProperty({ example: 'GET' })
  method!: string;

  @ApiProperty({ example: '/api/cases/0b6f7c1e-2a51-4c1e-9d43-3f7a2c9e8b10' })
  path!: string;

  @ApiProperty({ enum: AUDIT_KINDS, example: 'READ_CASE' })
  what!: AuditKind;

  @ApiProperty({ type: LabelDto, example: { zh: '查看案件', en: 'Read a case' }, description: '操作的中英文名称 / the kind in words' })
  whatLabel!: LabelDto;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  caseId!: string | null;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  childId!: string | null;

  @ApiProperty({ example: 200 })
  status!: number;

  @ApiProperty({ type: 'string', nullable: true, example: null, description: '拒绝时的错误代码 / error code of a refusal' })
  errorCode!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { action: 'RECORD_HOME_VISIT' } })
  detail!: Record<string, unknown>;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEntryDto] })
  items!: AuditEntryDto[];

  @ApiProperty()
  total!: number;

  @ApiProperty()
  page!: number;

  @ApiProperty()
  pageSize!: number;
}

const READERS = ROLES.filter((role) => PERMISSIONS[role].readAudit);

@ApiTags('audit 审计')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditLog) {}

  @Get()
  @Audit('READ_AUDIT')
  @RequireRoles(...READERS)
  @ApiOperation({
    summary: '审计记录 / The audit log',
    description:
      `本镇的谁在何时从何处查看或办理了哪个案件（最新的在前）。仅限领导小组：${READERS.map((r) => ROLE_LABELS[r].zh).join('、')}。审计记录不可修改。` +
      ` / Who of your town read or did what, when and from where, newest first. Only the leading group (${READERS.join(', ')}) reads it; nobody can change it.`,
  })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiErrorResponses('REQUEST.VALIDATION_FAILED', 'AUTH.REQUIRED', 'AUTH.FORBIDDEN', 'AUDIT.UNAVAILABLE')
  async list(@Query() query: AuditQueryDto, @CurrentUser() user: AuthUser): Promise<AuditPageDto> {
    const page = await this.audit.list({ ...query, childId: query.childId?.toLowerCase(), town: user.town, username: query.username?.trim().toLowerCase() });
    return { ...page, items: page.items.map(present) };
  }
}

function present(row: AuditEntryEntity): AuditEntryDto {
  return {
    id: String(row.id),
    at: row.at instanceof Date ? row.at.toISOString() : new Date(row.at).toISOString(),
    userId: row.userId,
    username: row.username,
    role: row.role,
    ip: row.ip,
    method: row.method,
    path: row.path,
    what: row.what,
    whatLabel: AUDIT_KIND_LABELS[row.what] ?? { zh: row.what, en: row.what },
    caseId: row.caseId,
    childId: row.childId,
    status: row.status,
    errorCode: row.errorCode,
    detail: row.detail ?? {},
  };
}
