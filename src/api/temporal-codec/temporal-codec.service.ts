/**
 * Temporal's codec server protocol (what the Web UI and `temporal --codec-endpoint` speak): a body
 * `{ "payloads": [ { "metadata": { "<key>": "<base64>" }, "data": "<base64>" } ] }` in proto3 JSON,
 * answered in the same shape after the payload codec ran over it.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { JSONPayload, payloadFromJSON, payloadToJSON } from '../../temporal/codec/payload-json';
import { ApiError } from '../errors';
import { validationFailed } from '../validation/field-errors';
import { TEMPORAL_CODEC, TEMPORAL_CODEC_OPTIONS, TemporalCodecOptions } from './temporal-codec.tokens';

/** More payloads than this in one request is not the UI (it sends an event's worth at a time). */
export const MAX_PAYLOADS_PER_REQUEST = 1_000;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

@Injectable()
export class TemporalCodecService {
  constructor(
    @Inject(TEMPORAL_CODEC) private readonly codec: PayloadCodec,
    @Inject(TEMPORAL_CODEC_OPTIONS) private readonly options: TemporalCodecOptions,
  ) {}

  async decode(body: unknown, namespace: string | undefined): Promise<{ payloads: JSONPayload[] }> {
    const payloads = this.read(body, namespace);
    let decoded: Payload[];
    try {
      decoded = await this.codec.decode(payloads);
    } catch (err) {
      // Names the key id or says it was altered; never any content.
      throw new ApiError('REQUEST.INVALID', {
        zh: '无法解密：负载被篡改，或使用了未配置的密钥',
        en: `The payloads cannot be decoded: ${(err as Error).message}`,
      });
    }
    return { payloads: decoded.map(payloadToJSON) };
  }

  async encode(body: unknown, namespace: string | undefined): Promise<{ payloads: JSONPayload[] }> {
    const payloads = this.read(body, namespace);
    return { payloads: (await this.codec.encode(payloads)).map(payloadToJSON) };
  }

  private read(body: unknown, namespace: string | undefined): Payload[] {
    if (namespace !== undefined && namespace !== this.options.namespace) {
      throw new ApiError('REQUEST.INVALID', {
        zh: `此解码服务只用于命名空间 ${this.options.namespace}`,
        en: `This codec serves the namespace ${this.options.namespace}, not ${namespace}`,
        details: { namespace: this.options.namespace },
      });
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid('payloads', 'isObject', '请求体必须是 { "payloads": [...] }', 'the body must be { "payloads": [...] }');
    // proto3 JSON leaves out an empty list: `{}` is no payloads (the CLI sends it).
    const list = (body as { payloads?: unknown }).payloads ?? [];
    if (!Array.isArray(list)) throw invalid('payloads', 'isArray', '必须是负载数组', 'must be an array of payloads');
    if (list.length > MAX_PAYLOADS_PER_REQUEST) {
      throw invalid('payloads', 'arrayMaxSize', `一次最多 ${MAX_PAYLOADS_PER_REQUEST} 个负载`, `at most ${MAX_PAYLOADS_PER_REQUEST} payloads per request`);
    }
    return list.map((item, i) => {
      const p = item as { metadata?: unknown; data?: unknown } | null;
      if (!p || typeof p !== 'object' || Array.isArray(p)) throw invalid(`payloads.${i}`, 'isObject', '必须是包含 metadata 和 data 的对象', 'must be an object with metadata and data');
      if (p.data !== undefined && p.data !== null && (typeof p.data !== 'string' || !BASE64.test(p.data))) {
        throw invalid(`payloads.${i}.data`, 'isBase64', '必须是 base64', 'must be base64');
      }
      if (p.metadata !== undefined && p.metadata !== null) {
        if (typeof p.metadata !== 'object' || Array.isArray(p.metadata)) {
          throw invalid(`payloads.${i}.metadata`, 'isObject', '必须是值为 base64 的对象', 'must be an object of base64 values');
        }
        for (const [key, value] of Object.entries(p.metadata)) {
          if (typeof value !== 'string' || !BASE64.test(value)) throw invalid(`payloads.${i}.metadata.${key}`, 'isBase64', '必须是 base64', 'must be base64');
        }
      }
      return payloadFromJSON({ metadata: p.metadata as Record<string, string> | undefined, data: p.data as string | undefined });
    });
  }
}

function invalid(field: string, constraint: string, message: string, messageEn: string): ApiError {
  return validationFailed([{ field, constraint, message, messageEn: `${field} ${messageEn}` }]);
}
