export * from './api.module';
export * from './configure-app';
export * from './case-engine.port';
export * from './errors';
export { ApiExceptionFilter, toApiError, errorBody } from './api-exception.filter';
export { ACTOR_HEADER, DEFAULT_ACTOR, actorFromHeader } from './actor';
export { TOWN } from './tokens';
