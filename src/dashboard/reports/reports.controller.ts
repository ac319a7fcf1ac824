/**
 * The stored monthly monitoring reports, listed and downloaded from the dashboard. They cover the
 * whole town, so the roles that read the whole town (the permission table's read scope TOWN: the
 * leading group, the coordinator, the daily officer, the town office) read them; others get 403.
 */
import { Controller, Get, Inject, Param, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiProperty, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../api/auth/auth-user';
import { CurrentUser } from '../../api/auth/current-user.decorator';
import { mayReadWholeTown } from '../../access/permissions';
import { ROLES, ROLE_LABELS, Role } from '../../access/roles';
import { ApiError } from '../../api/errors';
import { ApiErrorResponses } from '../../api/swagger';
import { TOWNS } from '../../api/tokens';
import { validationFailed } from '../../api/validation/field-errors';
import { Towns } from '../../read-model/town';
import { isMonthKey } from '../china-time';
import { StoredReportSummary, listReports, reportFile } from './report-store';
import { reportTitle } from './report-files';


class ReportSummaryDto implements StoredReportSummary {
  @ApiProperty({ example: 'GULING' }) town!: string;
  @ApiProperty({ example: '2026-10' }) month!: string;
  @ApiProperty({ enum: ['schedule', 'command', 'api'] }) trigger!: 'schedule' | 'command' | 'api';
  @ApiProperty({ format: 'date-time' }) generatedAt!: string;
  @ApiProperty({ description: '零报告：本月无任何事项 / nothing happened in the month' }) nil!: boolean;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { opened: 3, returned: 2, closed: 1, otherEndings: 0, escalations: 4, openAtMonthEnd: 9, events: 31 } })
  totals!: StoredReportSummary['totals'];
}

class ReportListDto {
  @ApiProperty({ type: [ReportSummaryDto], description: '新的月份在前 / newest month first' })
  reports!: ReportSummaryDto[];
}

const FILES = {
  xlsx: { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  pdf: { type: 'application/pdf' },
} as const;

@ApiTags('reports 动态监测书面报告')
@ApiBearerAuth()
@Controller('reports')
export class ReportsController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(TOWNS) private readonly towns: Towns,
  ) {}

  @Get()
  @ApiOperation({
    summary: '月度动态监测书面报告列表 / The monthly monitoring reports',
    description: `每月 1 日由 Temporal 定时任务生成上月报告，也可运行 \`npm run report -- --month 2026-10\`。可查看：${ROLES.filter(mayReadWholeTown).map((r) => ROLE_LABELS[r].zh).join('、')}。 / Generated on the 1st of each month for the month before by a Temporal Schedule, or by \`npm run report\`. Readable by the roles that read the whole town.`,
  })
  @ApiOkResponse({ type: ReportListDto })
  @ApiErrorResponses('AUTH.REQUIRED', 'AUTH.INVALID_TOKEN', 'AUTH.FORBIDDEN', 'AUDIT.UNAVAILABLE')
  async list(@CurrentUser() user: AuthUser): Promise<ReportListDto> {
    this.check(user);
    return { reports: await listReports(this.dataSource, user.town) };
  }

  @Get(':month/:kind')
  @ApiOperation({ summary: '下载报告（xlsx 或 pdf）/ Download a report (.xlsx or PDF)' })
  @ApiParam({ name: 'month', example: '2026-10' })
  @ApiParam({ name: 'kind', enum: ['xlsx', 'pdf'] })
  @ApiProduces(FILES.xlsx.type, FILES.pdf.type)
  @ApiOkResponse({ description: '文件 / the file' })
  @ApiErrorResponses('REQUEST.VALIDATION_FAILED', 'REPORT.NOT_FOUND', 'AUTH.REQUIRED', 'AUTH.INVALID_TOKEN', 'AUTH.FORBIDDEN', 'AUDIT.UNAVAILABLE')
  async download(
    @Param('month') month: string,
    @Param('kind') kind: string,
    @CurrentUser() user: AuthUser,
  ): Promise<StreamableFile> {
    this.check(user);
    if (!isMonthKey(month) || (kind !== 'xlsx' && kind !== 'pdf')) {
      throw validationFailed([
        { field: 'month', constraint: 'monthAndKind', message: '月份写作 2026-10，文件类型为 xlsx 或 pdf', messageEn: 'write the month like 2026-10 and the kind as xlsx or pdf' },
      ]);
    }
    const file = await reportFile(this.dataSource, user.town, month, kind);
    if (!file) throw new ApiError('REPORT.NOT_FOUND', { details: { month } });
    const town = this.towns.get(user.town);
    const name = `${reportTitle({ month, town: { code: town.code, name: town.name } } as never).zh}.${kind}`;
    return new StreamableFile(file, {
      type: FILES[kind].type,
      disposition: `attachment; filename="report-${month}.${kind}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      length: file.length,
    });
  }

  private check(user: AuthUser): void {
    if (!mayReadWholeTown(user.role)) {
      throw new ApiError('AUTH.FORBIDDEN', {
        zh: '本镇月度报告仅供领导小组、统筹负责、日常工作和镇政府查看',
        en: 'The town’s monthly reports are for the leading group, the coordinator, the daily officer and the town office',
      });
    }
  }
}
