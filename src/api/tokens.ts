/** DI tokens of the API module (the engine's token, CASE_ENGINE, lives with its port). */
export const TOWN = Symbol('TOWN');
