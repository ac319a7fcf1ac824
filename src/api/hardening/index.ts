/** Hardening of the API: security headers, rate limits, Idempotency-Key, input sanity. */
export * from './hardening.options';
export * from './hardening.module';
export * from './hardening.interceptor';
export * from './hardening.swagger';
export * from './idempotency';
export * from './input-sanity';
export * from './login-throttle';
export * from './media-type';
export * from './principal';
export * from './rate-limit';
export * from './security-headers';
