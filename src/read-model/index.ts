export * from './entities';
export * from './data-source';
export * from './projection';
export * from './case-queries';
export * from './case-intake';
export * from './policies';
export * from './town';
export * from './task-queries';
