/**
 * Security headers (helmet) on every answer, with a Content-Security-Policy that Swagger UI at
 * /api/docs still works under: its HTML loads its scripts from our origin (swagger-ui-bundle.js,
 * swagger-ui-init.js: no inline script), has inline <style> blocks and uses data: images.
 * Checked by test/e2e/hardening.test.ts.
 */
import helmet from 'helmet';

export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  // Deliberately no upgrade-insecure-requests: a town office may serve plain HTTP on its own
  // network, and upgrading Swagger UI's assets to https:// would break it there.
  'upgrade-insecure-requests': null,
};

export function securityHeaders() {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    // Browsers honour HSTS over HTTPS only; without includeSubDomains, so other hosts of the
    // town's domain are not forced onto HTTPS by us.
    strictTransportSecurity: { maxAge: 180 * 24 * 60 * 60, includeSubDomains: false },
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
  });
}
