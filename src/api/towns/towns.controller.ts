import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GROUP_ROLE_LABELS, TownData, Towns } from '../../read-model/town';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { ApiErrorResponses } from '../swagger';
import { TOWNS } from '../tokens';

@ApiTags('towns 乡镇')
@ApiBearerAuth()
@Controller('towns')
export class TownsController {
  constructor(@Inject(TOWNS) private readonly towns: Towns) {}

  @Get('current')
  @ApiOperation({
    summary: '本镇的基础数据 / Your town’s reference data',
    description:
      '责任区、学校（及年级范围）、单位与职责、领导小组（组长、副组长、成员、统筹负责、日常工作），来自乡镇数据文件（towns/*.json）。' +
      ' / Areas, schools (with their grades), offices and duties, the leading group, from the town file.',
  })
  @ApiOkResponse({ description: 'towns/<town>.json, with the group roles labelled' })
  @ApiErrorResponses('AUTH.REQUIRED', 'AUTH.INVALID_TOKEN')
  current(@CurrentUser() user: AuthUser): TownData & { groupRoleLabels: typeof GROUP_ROLE_LABELS } {
    return { ...this.towns.get(user.town).data, groupRoleLabels: GROUP_ROLE_LABELS };
  }
}
