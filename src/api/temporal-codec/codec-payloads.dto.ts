/** The body of the codec protocol, for the OpenAPI description (the service checks it by hand). */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class CodecPayloadDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', format: 'byte' },
    description: '元数据，值为 base64 / metadata, each value base64 (proto3 JSON)',
    example: { encoding: 'YmluYXJ5L2VuY3J5cHRlZA==', 'encryption-key-id': 'azE=' },
  })
  metadata?: Record<string, string>;

  @ApiPropertyOptional({ type: 'string', format: 'byte', description: '内容，base64 / the data, base64' })
  data?: string;
}

export class CodecPayloadsDto {
  @ApiProperty({ type: [CodecPayloadDto] })
  payloads!: CodecPayloadDto[];
}
