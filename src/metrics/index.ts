export * from './api-metrics';
export * from './request-log';
