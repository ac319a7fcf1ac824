/**
 * The codec endpoint for Temporal's Web UI and CLI: POST /api/temporal-codec/decode and /encode
 * (also under /api/temporal-codec/<namespace>/..., for the CLI's `--codec-endpoint .../{namespace}`).
 *
 * Access: decoding shows the children's data the workflows carry, so only the roles in
 * ROLES_ALLOWED_TO_DECODE_PAYLOADS may call it (others get 403, audited).
 */
import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRoles } from '../auth/require-roles.decorator';
import { ApiErrorResponses } from '../swagger';
import { CodecPayloadsDto } from './codec-payloads.dto';
import { TemporalCodecService } from './temporal-codec.service';
import { ROLES_ALLOWED_TO_DECODE_PAYLOADS } from './temporal-codec.roles';

@ApiTags('temporal-codec 负载解码')
// Named as @Headers() reads it, so the document has one optional header, not a second, required one.
@ApiHeader({ name: 'x-namespace', required: false, description: 'Temporal 命名空间 / the Temporal namespace (sent by the Web UI)' })
@RequireRoles(...ROLES_ALLOWED_TO_DECODE_PAYLOADS)
@Controller('temporal-codec')
export class TemporalCodecController {
  constructor(private readonly service: TemporalCodecService) {}

  @Post('decode')
  @HttpCode(200)
  @ApiOperation({
    summary: '解密 Temporal 负载 / Decode Temporal payloads (codec server protocol)',
    description: 'Temporal Web UI 与 CLI 调用，仅限组长与统筹负责 / called by Temporal’s Web UI and CLI; leader and coordinator only',
  })
  @ApiBody({ type: CodecPayloadsDto })
  @ApiOkResponse({ type: CodecPayloadsDto })
  @ApiErrorResponses('REQUEST.VALIDATION_FAILED', 'REQUEST.INVALID')
  decode(@Body() body: unknown, @Headers('x-namespace') namespace?: string) {
    return this.service.decode(body, namespace || undefined);
  }

  @Post('encode')
  @HttpCode(200)
  @ApiOperation({ summary: '加密 Temporal 负载 / Encode Temporal payloads (codec server protocol)' })
  @ApiBody({ type: CodecPayloadsDto })
  @ApiOkResponse({ type: CodecPayloadsDto })
  @ApiErrorResponses('REQUEST.VALIDATION_FAILED', 'REQUEST.INVALID')
  encode(@Body() body: unknown, @Headers('x-namespace') namespace?: string) {
    return this.service.encode(body, namespace || undefined);
  }

  @Post(':namespace/decode')
  @HttpCode(200)
  @ApiOperation({ summary: '解密（命名空间在路径中）/ Decode, the namespace in the path (temporal --codec-endpoint .../{namespace})' })
  @ApiBody({ type: CodecPayloadsDto })
  @ApiOkResponse({ type: CodecPayloadsDto })
  @ApiErrorResponses('REQUEST.VALIDATION_FAILED', 'REQUEST.INVALID')
  decodeIn(@Param('namespace') namespace: string, @Body() body: unknown) {
    return this.service.decode(body, namespace);
  }

  @Post(':namespace/encode')
  @HttpCode(200)
  @ApiOperation({ summary: '加密（命名空间在路径中）/ Encode, the namespace in the path' })
  @ApiBody({ type: CodecPayloadsDto })
  @ApiOkResponse({ type: CodecPayloadsDto })
  @ApiErrorResponses('REQUEST.VALIDATION_FAILED', 'REQUEST.INVALID')
  encodeIn(@Param('namespace') namespace: string, @Body() body: unknown) {
    return this.service.encode(body, namespace);
  }
}
