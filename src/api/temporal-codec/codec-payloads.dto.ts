/** The body of the codec protocol, for the OpenAPI description (the service checks it by hand). */
import { ApiPropertyOptional } from '@nestjs/swagger';

export class CodecPayloadDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', format: 'byte' },
    nullable: true, // proto3 JSON: null is the default, as if left out
    description: '元数据，值为 base64 / metadata, each value base64 (proto3 JSON)',
    example: { encoding: 'YmluYXJ5L2VuY3J5cHRlZA==', 'encryption-key-id': 'azE=' },
  })
  metadata?: Record<string, string>;

  @ApiPropertyOptional({ type: 'string', format: 'byte', nullable: true, description: '内容，base64 / the data, base64' })
  data?: string;
}

export class CodecPayloadsDto {
  // proto3 JSON leaves an empty list out: `{}` is no payloads (the CLI sends it).
  @ApiPropertyOptional({ type: [CodecPayloadDto], nullable: true, description: '负载；空列表可省略 / the payloads; an empty list may be left out' })
  payloads?: CodecPayloadDto[];
}
