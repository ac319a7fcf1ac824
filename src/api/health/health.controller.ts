import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { DataSource } from 'typeorm';
import { NoAudit } from '../audit/audit.decorator';
import { Public } from '../auth/public.decorator';
import { CASE_ENGINE, CaseEngine } from '../case-engine.port';

export class ComponentHealthDto {
  @ApiProperty()
  ok!: boolean;

  @ApiProperty({ required: false, example: 'connect ECONNREFUSED 127.0.0.1:7233' })
  detail?: string;

  @ApiProperty({ required: false, example: 3, description: 'ms' })
  latencyMs?: number;
}

export class HealthDto {
  @ApiProperty({ enum: ['ok', 'degraded'] })
  status!: 'ok' | 'degraded';

  @ApiProperty({ type: [String], enum: ['database', 'temporal'], example: ['database'], description: '不可用的依赖 / the dependencies that are down (empty when all is ok)' })
  down!: Array<'database' | 'temporal'>;

  @ApiProperty({ type: ComponentHealthDto })
  temporal!: ComponentHealthDto;

  @ApiProperty({ type: ComponentHealthDto })
  database!: ComponentHealthDto;
}

const CHECK_TIMEOUT_MS = 3_000;

@ApiTags('health 运行状态')
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CASE_ENGINE) private readonly engine: CaseEngine,
  ) {}

  @Get()
  @Public() // probes and load balancers ask without logging in; it shows no one's data
  @NoAudit()
  // Not counted: the limit is kept in PostgreSQL, and health must answer (naming it) when that is down.
  @SkipThrottle()
  @ApiOperation({ summary: '运行状态 / Health of the API, the database and the case engine (no log-in needed)' })
  @ApiResponse({ status: 200, type: HealthDto, description: '一切正常 / all ok' })
  @ApiResponse({ status: 503, type: HealthDto, description: '数据库或引擎不可用 / the database or the engine is down' })
  async health(@Res({ passthrough: true }) res: { status(code: number): unknown }): Promise<HealthDto> {
    const [database, temporal] = await Promise.all([
      check(async () => {
        await this.dataSource.query('SELECT 1');
        return { ok: true };
      }),
      check(() => this.engine.health()),
    ]);
    const down = [!database.ok && ('database' as const), !temporal.ok && ('temporal' as const)].filter((d): d is 'database' | 'temporal' => d !== false);
    res.status(down.length === 0 ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: down.length === 0 ? 'ok' : 'degraded', down, temporal, database };
  }
}

async function check(probe: () => Promise<{ ok: boolean; detail?: string }>): Promise<ComponentHealthDto> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
    });
    const result = await Promise.race([probe(), timeout]);
    return { ...result, latencyMs: Date.now() - started };
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? err.message : String(err), latencyMs: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}
