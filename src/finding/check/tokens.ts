/** DI token of the cross-check's starter (`CrossCheckStarter`, schedule.ts): a Temporal client in the app, a fake in tests of one class. */
export const CROSS_CHECK_STARTER = Symbol('CROSS_CHECK_STARTER');
