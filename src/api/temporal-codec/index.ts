export * from './temporal-codec.module';
export * from './temporal-codec.roles';
export * from './temporal-codec.tokens';
export { TemporalCodecController } from './temporal-codec.controller';
export { TemporalCodecService } from './temporal-codec.service';
