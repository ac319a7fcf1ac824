export * from './activities';
export * from './reconcile';
export * from './report';
export * from './runs';
export * from './schedule';
