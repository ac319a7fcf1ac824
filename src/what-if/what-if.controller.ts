/**
 * POST /api/what-if: a draft policy in, the forecast of the town's running cases out, under their
 * own policy and under the draft, side by side. The roles that read the whole town only (as the
 * town's reports); the answer covers the caller's town. Reads only.
 */
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../api/auth/auth-user';
import { CurrentUser } from '../api/auth/current-user.decorator';
import { RequireRoles } from '../api/auth/require-roles.decorator';
import { ApiError } from '../api/errors';
import { ApiErrorResponses } from '../api/swagger';
import { mayReadWholeTown } from '../access/permissions';
import { ROLES, ROLE_LABELS } from '../access/roles';
import { Policy, policyProblems } from '../workflows/policy';
import { WhatIfDto, WhatIfRequestDto } from './what-if.dtos';
import { DEFAULT_WEEKS, WhatIfService } from './what-if.service';

const READERS = ROLES.filter(mayReadWholeTown);

@ApiTags('what-if 政策推演')
@ApiBearerAuth()
@Controller('what-if')
export class WhatIfController {
  constructor(private readonly whatIf: WhatIfService) {}

  @Post()
  @HttpCode(200)
  @RequireRoles(...READERS)
  @ApiOperation({
    summary: '政策草案推演 / Forecast the running cases under a draft policy',
    description:
      `按案件的 Temporal 历史（立案与每次办理）以草案重建本镇每个在办案件，再假定无人办理推演 N 周：多少案件会升级、升到哪个环节、何时、哪些会停在法定环节；按周、环节、责任区汇总，并与现行政策并列。只读，不触动在办案件。可用：${READERS.map((r) => ROLE_LABELS[r].zh).join('、')}。` +
      ` / Rebuilds each running case of your town from its Temporal history under the draft, then runs its timers for N weeks with no human action; per week, stage and area, beside the current policy. Read only. For the roles that read the whole town (${READERS.join(', ')}).`,
  })
  @ApiOkResponse({ type: WhatIfDto })
  @ApiErrorResponses('POLICY.INVALID', 'REQUEST.VALIDATION_FAILED', 'AUTH.REQUIRED', 'AUTH.INVALID_TOKEN', 'AUTH.FORBIDDEN', 'AUDIT.UNAVAILABLE', 'ENGINE.UNAVAILABLE', 'DATABASE.UNAVAILABLE')
  async forecast(@Body() body: WhatIfRequestDto, @CurrentUser() user: AuthUser): Promise<WhatIfDto> {
    const problems = policyProblems(body.policy);
    if (problems.length > 0) {
      throw new ApiError('POLICY.INVALID', {
        zh: `政策草案有 ${problems.length} 处问题，请逐条修改：${problems.join('；')}`,
        en: `The draft policy has ${problems.length} problem(s): ${problems.join('; ')}`,
        details: { problems },
      });
    }
    return this.whatIf.forecast(user.town, body.policy as unknown as Policy, body.weeks ?? DEFAULT_WEEKS);
  }
}
