/**
 * POST /api/what-if: the request (a draft policy, the weeks) and the answer, documented for the
 * OpenAPI description (schemathesis checks every answer against it).
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsObject, IsOptional, Max, Min } from 'class-validator';
import { zh } from '../api/validation/field-errors';
import { CHAIN_STAGES, STAGES } from '../workflows/vocabulary';
import { FORECAST_EVENT_TYPES } from './forecast';
import { DEFAULT_WEEKS, MAX_WEEKS } from './what-if.service';

export class WhatIfRequestDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: '政策草案，格式同 policies/*.json / The draft policy, in the form of policies/*.json',
    example: { version: 'guling-draft', escalation: { reminderBefore: '1d', supervisorAfter: '0s', leaderAfter: '3d' }, stages: {} },
  })
  @IsObject(zh('政策草案必须是 JSON 对象'))
  policy!: Record<string, unknown>;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_WEEKS, default: DEFAULT_WEEKS, description: '预测周数 / weeks to forecast' })
  @IsOptional()
  @IsInt(zh('周数必须是整数'))
  @Min(1, zh('周数至少为 1'))
  @Max(MAX_WEEKS, zh(`周数最多为 ${MAX_WEEKS}`))
  weeks?: number;
}

const stageCounts = { type: 'object', additionalProperties: { type: 'integer' }, example: { PERSUASION: 3 } } as const;

export class ForecastEventDto {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ description: '-1：至今（重建的过去）；0 起：自今日起第几周 / -1: so far (the rebuilt past); 0..: week from today' }) week!: number;
  @ApiProperty({ enum: FORECAST_EVENT_TYPES }) type!: string;
  @ApiProperty({ enum: STAGES }) stageBefore!: string;
  @ApiProperty({ enum: STAGES }) stageAfter!: string;
}

export class GateWaitDto {
  @ApiProperty({ enum: CHAIN_STAGES }) stage!: string;
  @ApiProperty({ format: 'date-time' }) since!: string;
}

export class NotAppliedDto {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() type!: string;
}

export class CaseForecastDto {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty() area!: string;
  @ApiProperty() school!: string;
  @ApiProperty() cause!: string;
  @ApiProperty({ enum: STAGES }) stageNow!: string;
  @ApiProperty({ enum: STAGES }) stageAtEnd!: string;
  @ApiProperty({ type: [ForecastEventDto] }) events!: ForecastEventDto[];
  @ApiPropertyOptional({ type: GateWaitDto, description: '到期末停在法定环节等待人工决定 / waits at a legal gate for a decision' }) waitsAtGate?: GateWaitDto;
  @ApiProperty({ enum: CHAIN_STAGES, isArray: true, description: '草案让案件未经决定越过的法定环节 / legal gates crossed with no decision' }) crossesGates!: string[];
  @ApiProperty({ type: [NotAppliedDto], description: '该政策下当时不允许、重建时略过的已办操作 / recorded inputs this policy would not have allowed' }) notApplied!: NotAppliedDto[];
  @ApiProperty() fromCarriedState!: boolean;
}

export class WeekRowDto {
  @ApiProperty() week!: number;
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty(stageCounts) escalatedTo!: Record<string, number>;
  @ApiProperty() escalations!: number;
  @ApiProperty() toSupervisor!: number;
  @ApiProperty() toLeader!: number;
}

export class StageRowDto {
  @ApiProperty({ enum: STAGES }) stage!: string;
  @ApiProperty() now!: number;
  @ApiProperty() atEnd!: number;
}

export class AreaRowDto {
  @ApiProperty() area!: string;
  @ApiProperty() cases!: number;
  @ApiProperty() escalations!: number;
  @ApiProperty(stageCounts) escalatedTo!: Record<string, number>;
  @ApiProperty() waitingAtGate!: number;
  @ApiProperty(stageCounts) atEnd!: Record<string, number>;
}

export class ForecastSummaryDto {
  @ApiProperty() policyVersion!: string;
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ type: [WeekRowDto] }) weeks!: WeekRowDto[];
  @ApiProperty({ type: [StageRowDto] }) stages!: StageRowDto[];
  @ApiProperty({ type: [AreaRowDto] }) areas!: AreaRowDto[];
  @ApiProperty() casesEscalating!: number;
  @ApiProperty() casesWaitingAtGate!: number;
  @ApiProperty() casesCrossingGates!: number;
  @ApiProperty({ type: [CaseForecastDto] }) cases!: CaseForecastDto[];
}

export class WhatIfDto {
  @ApiProperty({ example: 'GULING' }) town!: string;
  @ApiProperty() weeks!: number;
  @ApiProperty({ type: ForecastSummaryDto, description: '各案件按其现行（立案时）政策 / each case under the policy it runs under' }) current!: ForecastSummaryDto;
  @ApiProperty({ type: ForecastSummaryDto, description: '各案件按草案重建并推演 / each case rebuilt and run under the draft' }) draft!: ForecastSummaryDto;
  @ApiProperty({ type: [String], description: '预测结果有变化的案件 / cases whose forecast changes' }) changedCases!: string[];
  @ApiProperty({ type: [String], description: '台账中在办但 Temporal 中没有工作流的案件 / open cases without a workflow' }) missing!: string[];
}
