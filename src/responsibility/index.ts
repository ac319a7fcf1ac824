export * from './chains';
export * from './routing';
export * from './tasks';
export * from './directory';
