/**
 * The codec endpoint as its own module, composed beside ApiModule (src/bootstrap.ts):
 *
 *   imports: [ApiModule.forRoot(...), TemporalCodecModule.forRoot({ codec, namespace, corsOrigins })]
 */
import { DynamicModule, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import type { PayloadCodec } from '@temporalio/common';
import { CodecCorsMiddleware } from './codec-cors.middleware';
import { TemporalCodecController } from './temporal-codec.controller';
import { TemporalCodecService } from './temporal-codec.service';
import { TEMPORAL_CODEC, TEMPORAL_CODEC_OPTIONS, TemporalCodecOptions } from './temporal-codec.tokens';

@Module({})
export class TemporalCodecModule implements NestModule {
  static forRoot(options: TemporalCodecOptions & { codec: PayloadCodec }): DynamicModule {
    const { codec, ...rest } = options;
    return {
      module: TemporalCodecModule,
      controllers: [TemporalCodecController],
      providers: [
        { provide: TEMPORAL_CODEC, useValue: codec },
        { provide: TEMPORAL_CODEC_OPTIONS, useValue: rest },
        TemporalCodecService,
        CodecCorsMiddleware,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CodecCorsMiddleware).forRoutes({ path: 'temporal-codec/{*rest}', method: RequestMethod.ALL });
  }
}

/** The root module of the HTTP app when the codec endpoint runs beside the API. */
@Module({})
class ApiWithTemporalCodecModule {}

/** The API module with the codec endpoint beside it: `NestFactory.create(withTemporalCodecEndpoint(ApiModule.forRoot(...), {...}))`. */
export function withTemporalCodecEndpoint(api: DynamicModule, options: TemporalCodecOptions & { codec: PayloadCodec }): DynamicModule {
  return { module: ApiWithTemporalCodecModule, imports: [api, TemporalCodecModule.forRoot(options)] };
}
