/** What /api/dashboard/* answers, for Swagger. Codes come with labels in /api/dashboard/vocabulary. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { STAGES, Stage } from '../workflows/vocabulary';
import { LabelDto } from '../api/cases/case.views';

export class VersionDto {
  @ApiProperty({ example: '2026-11-29T08:00:00.000Z|-', description: '任何案件变化或新报告都会改变此值；页面据此刷新 / changes with every case change or stored report; the page refreshes when it does' })
  version!: string;
}

export class CodeLabelDto {
  @ApiProperty({ example: 'GAOPING' })
  code!: string;

  @ApiProperty({ type: LabelDto })
  label!: LabelDto;
}

export class VocabularyDto {
  @ApiProperty({ type: CodeLabelDto })
  town!: CodeLabelDto;

  @ApiProperty({ type: [CodeLabelDto] })
  areas!: CodeLabelDto[];

  @ApiProperty({ type: [CodeLabelDto] })
  schools!: CodeLabelDto[];

  @ApiProperty({ type: [CodeLabelDto], description: '矩阵的阶段（未结）/ the open stages of the matrix, in chain order' })
  openStages!: CodeLabelDto[];

  @ApiProperty({ type: [CodeLabelDto] })
  stages!: CodeLabelDto[];

  @ApiProperty({ type: [CodeLabelDto] })
  events!: CodeLabelDto[];

  @ApiProperty({ type: [CodeLabelDto] })
  causes!: CodeLabelDto[];

  @ApiProperty({ type: [CodeLabelDto], description: '时限政策中的责任岗位 / the posts the policy names as responsible' })
  posts!: CodeLabelDto[];

  @ApiProperty({ type: [CodeLabelDto] })
  roles!: CodeLabelDto[];

  @ApiProperty({ type: [CodeLabelDto], description: '儿童名册的标记（代码即儿童记录的布尔字段名）/ the registry’s flags (each code is the boolean field of a child’s record)' })
  flags!: CodeLabelDto[];

  @ApiProperty({ type: [CodeLabelDto], description: '审计记录的操作 / the kinds of the audit log' })
  auditKinds!: CodeLabelDto[];
}

export class AreaHeadlineDto {
  @ApiProperty({ example: 'GAOPING' })
  area!: string;

  @ApiProperty()
  open!: number;

  @ApiProperty()
  overdue!: number;

  @ApiProperty({ description: '清零：本责任区无未结案件 / no open case in the area' })
  atZero!: boolean;
}

export class HeadlineDto {
  @ApiProperty({ description: '未结案件 / open cases' })
  open!: number;

  @ApiProperty({ description: '本月复学人次（北京时间）/ returns to school this month (China time; a child returning twice counts twice)' })
  returnedThisMonth!: number;

  @ApiProperty({ description: '本年销号 / cases closed (销号) this year' })
  closedThisYear!: number;

  @ApiProperty({ description: '逾期案件：下一期限已过、未暂停 / open cases past their next deadline, not paused' })
  overdue!: number;

  @ApiProperty({ description: '本年移交外镇（自对方接收之日起计）/ cases transferred out to another town this year (from the day it accepted)' })
  transferredOutThisYear!: number;

  @ApiProperty({ description: '本年外镇移交接收 / cases transferred in from another town this year (from the day of acceptance)' })
  transferredInThisYear!: number;

  @ApiProperty({ type: [AreaHeadlineDto] })
  areas!: AreaHeadlineDto[];

  @ApiProperty({ example: '2026-11' })
  month!: string;

  @ApiProperty({ format: 'date-time' })
  asOf!: string;
}

export class MatrixCellDto {
  @ApiProperty({ example: 'GAOPING' })
  area!: string;

  @ApiProperty({ enum: STAGES })
  stage!: Stage;

  @ApiProperty()
  count!: number;

  @ApiProperty({ example: '/api/cases?area=GAOPING&stage=PERSUASION&open=true', description: '这些案件的台账列表 / the ledger list of these cases' })
  list!: string;
}

export class MatrixDto {
  @ApiProperty({ type: [MatrixCellDto], description: '只列出非零格 / non-zero cells only' })
  cells!: MatrixCellDto[];
}

export class HeatCellDto {
  @ApiProperty() area!: string;
  @ApiProperty({ enum: STAGES }) stage!: Stage;
  @ApiProperty({ description: '在此阶段的案件数（不含暂停）/ cases in the stage, paused ones left out' }) cases!: number;
  @ApiProperty({ description: '平均已用天数 / average days spent in the stage so far' }) avgDaysInStage!: number;
  @ApiProperty({ description: '平均时限天数 / average days the stage allows' }) avgDaysAllowed!: number;
  @ApiProperty({ description: '已用/时限的平均值，大于 1 即超时 / average of spent over allowed; above 1 is past the window' }) ratio!: number;
  @ApiProperty() overdue!: number;
}

export class HeatmapDto {
  @ApiProperty({ type: [HeatCellDto] })
  cells!: HeatCellDto[];
}

export class TrendMonthDto {
  @ApiProperty({ example: '2026-10' }) month!: string;
  @ApiProperty({ description: '新立案 / cases opened' }) opened!: number;
  @ApiProperty({ description: '复学人次 / returns to school' }) returned!: number;
  @ApiProperty({ description: '销号 / cases closed' }) closed!: number;
}

export class TrendDto {
  @ApiProperty({ type: [TrendMonthDto], description: '近 12 个月，旧在前 / the last 12 months, oldest first' })
  months!: TrendMonthDto[];
}

export class OverdueItemDto {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ example: '李小花' }) childName!: string;
  @ApiProperty() area!: string;
  @ApiProperty() school!: string;
  @ApiProperty({ enum: STAGES }) stage!: Stage;
  @ApiProperty({ format: 'date-time' }) dueAt!: string;
  @ApiProperty({ description: '逾期毫秒数 / overdue by, in milliseconds' }) overdueMs!: number;
  @ApiProperty({ type: [String], example: ['吴家俊（secretary）'], description: '责任人：案件承办人，否则政策所列岗位上的人 / the assignee, else the people in the posts the policy names' })
  responsible!: string[];
  @ApiProperty({ type: [String], example: ['SCHOOL', 'VILLAGE'] }) responsibleRoles!: string[];
}

export class OverdueDto {
  @ApiProperty({ type: [OverdueItemDto], description: '逾期最久的在前，最多 50 件；总数见 headline.overdue / longest overdue first, at most 50; the total is headline.overdue' })
  items!: OverdueItemDto[];
}

export class RankingRowDto {
  @ApiProperty() rank!: number;
  @ApiProperty() area!: string;
  @ApiProperty() open!: number;
  @ApiProperty() overdue!: number;
  @ApiProperty() returnedThisYear!: number;
  @ApiProperty() closedThisYear!: number;
}

export class RankingDto {
  @ApiProperty({ type: LabelDto }) rule!: LabelDto;
  @ApiProperty({ type: [RankingRowDto] }) rows!: RankingRowDto[];
}
