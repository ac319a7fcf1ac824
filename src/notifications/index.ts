export * from './channel';
export * from './in-app-channel';
export * from './notification-kinds';
export * from './outbox-dispatcher';
export * from './outbox';
