/** DI tokens of the API module (the engine's token, CASE_ENGINE, lives with its port). */

/** Every town the deployment serves (`Towns`); per-request code takes the user's: `towns.get(user.town)`. */
export const TOWNS = Symbol('TOWNS');

/** The deployment's default town (`Town`, the first town file): for start-up work that belongs to no user. */
export const TOWN = Symbol('TOWN');

/** The ledger file's bounds (`ReadLimits`: unpacked size and rows, src/ledger/zip-bounds.ts). */
export const LEDGER_LIMITS = Symbol('LEDGER_LIMITS');
/** `() => Date`: what the API takes for "now" where a rule depends on the date (a reported child's age). Tests pin it. */
export const CLOCK = Symbol('CLOCK');
export type Clock = () => Date;
