/**
 * GET /api/support/education-aid: the education-aid list (教育资助), the notice's priority groups
 * first (残疾儿童、残疾人子女、留守儿童), then registered poor households (建档立卡贫困户), then by due
 * date. Only the cases the user's role may read (the same scope as the ledger, in SQL), of the
 * user's town. No ID numbers or phones: names, grade, class and the flags are what the list is for.
 */
import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { EducationAidRow, SupportQueries } from '../../read-model/support-queries';
import { Town } from '../../read-model/town';
import { Label, STAGES, STAGE_LABELS, Stage, SUPPORT_OUTCOMES, SupportOutcome } from '../../workflows/vocabulary';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { caseScope } from '../../access/permissions';
import { LabelDto, SupportMeasureDto, CasePresenter } from '../cases/case.views';
import { ApiErrorResponses } from '../swagger';
import { TOWN } from '../tokens';
import { toInteger } from '../validation/query-params';


export const PRIORITY_GROUPS = ['DISABLED', 'DISABLED_PARENT', 'LEFT_BEHIND', 'REGISTERED_POOR'] as const;
export type PriorityGroup = (typeof PRIORITY_GROUPS)[number];

export const PRIORITY_GROUP_LABELS: Record<PriorityGroup, Label> = {
  DISABLED: { zh: '残疾儿童', en: 'Disabled child' },
  DISABLED_PARENT: { zh: '残疾人子女', en: 'Child of disabled parents' },
  LEFT_BEHIND: { zh: '留守儿童', en: 'Left-behind child' },
  REGISTERED_POOR: { zh: '建档立卡贫困户', en: 'Registered poor household' },
};

export class EducationAidQueryDto {
  @ApiPropertyOptional({ enum: [...SUPPORT_OUTCOMES, 'ALL'], default: 'PENDING', description: '结果筛选，默认办理中；ALL 为全部 / outcome filter, default PENDING; ALL for every outcome' })
  @IsOptional()
  @IsIn([...SUPPORT_OUTCOMES, 'ALL'])
  outcome?: SupportOutcome | 'ALL';

  @ApiPropertyOptional({ example: 1, minimum: 1, default: 1 })
  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(1)
  page?: number;

  @ApiPropertyOptional({ example: 20, minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize?: number;
}

export class PriorityGroupDto {
  @ApiProperty({ enum: PRIORITY_GROUPS })
  code!: PriorityGroup;

  @ApiProperty({ type: LabelDto })
  label!: Label;
}

export class EducationAidChildDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: '王小明' })
  name!: string;

  @ApiProperty({ example: 5 })
  grade!: number;

  @ApiProperty({ example: '五年级二班' })
  className!: string;
}

export class EducationAidItemDto extends SupportMeasureDto {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;

  @ApiProperty({ enum: STAGES })
  stage!: Stage;

  @ApiProperty({ type: LabelDto })
  stageLabel!: Label;

  @ApiProperty({ example: 'GAOPING' })
  area!: string;

  @ApiProperty({ type: LabelDto })
  areaLabel!: Label;

  @ApiProperty({ type: EducationAidChildDto })
  child!: EducationAidChildDto;

  @ApiProperty({ description: '属通知规定的优先资助对象（残疾儿童、残疾人子女、留守儿童）/ in the notice’s priority groups' })
  priority!: boolean;

  @ApiProperty({ type: [PriorityGroupDto], description: '儿童所属的优先群体 / the groups the child belongs to' })
  priorityGroups!: PriorityGroupDto[];
}

export class EducationAidListDto {
  @ApiProperty({ type: [EducationAidItemDto] })
  items!: EducationAidItemDto[];

  @ApiProperty()
  total!: number;

  @ApiProperty()
  page!: number;

  @ApiProperty()
  pageSize!: number;
}

@ApiTags('support 帮扶')
@ApiBearerAuth()
@Controller('support')
export class EducationAidController {
  constructor(
    private readonly queries: SupportQueries,
    private readonly presenter: CasePresenter,
    @Inject(TOWN) private readonly town: Town,
  ) {}

  @Get('education-aid')
  @ApiOperation({
    summary: '教育资助名单（优先群体在前）/ Education aid, priority groups first',
    description:
      '教育资助措施，按通知要求优先：残疾儿童、残疾人子女、留守儿童在前，其次建档立卡贫困户，再按期限。只列出您的岗位可查看的案件。' +
      ' / Education-aid measures, the notice’s priority groups first (disabled child, child of disabled parents, left-behind),' +
      ' then registered poor households, then by due date. Only the cases your role may read.',
  })
  @ApiOkResponse({ type: EducationAidListDto })
  @ApiErrorResponses('REQUEST.VALIDATION_FAILED', 'AUTH.REQUIRED', 'AUTH.INVALID_TOKEN', 'AUDIT.UNAVAILABLE')
  async list(@Query() query: EducationAidQueryDto, @CurrentUser() user: AuthUser): Promise<EducationAidListDto> {
    const now = new Date();
    const outcome = query.outcome ?? 'PENDING';
    const result = await this.queries.educationAid({
      outcome: outcome === 'ALL' ? undefined : outcome,
      town: user.town,
      scope: caseScope(user),
      page: query.page,
      pageSize: query.pageSize,
    });
    return { ...result, items: result.items.map((row) => this.item(row, now)) };
  }

  private item(row: EducationAidRow, now: Date): EducationAidItemDto {
    const flags: Record<PriorityGroup, boolean> = {
      DISABLED: row.child.isDisabled,
      DISABLED_PARENT: row.child.hasDisabledParent,
      LEFT_BEHIND: row.child.isLeftBehind,
      REGISTERED_POOR: row.child.isRegisteredPoor,
    };
    const groups = PRIORITY_GROUPS.filter((g) => flags[g]);
    return {
      ...this.presenter.supportMeasure(row.measure, now),
      caseId: row.caseId,
      stage: row.stage,
      stageLabel: STAGE_LABELS[row.stage],
      area: row.area,
      areaLabel: this.town.areaLabel(row.area),
      child: { id: row.child.id, name: row.child.name, grade: row.child.grade, className: row.child.className },
      priority: flags.DISABLED || flags.DISABLED_PARENT || flags.LEFT_BEHIND,
      priorityGroups: groups.map((code) => ({ code, label: PRIORITY_GROUP_LABELS[code] })),
    };
  }
}
