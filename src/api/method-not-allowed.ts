/**
 * Which methods a path answers, read from Express's own route table (every Nest route, Swagger's
 * pages), so that a known path asked with another method is answered 405 with `Allow` (RFC 9110
 * 15.5.6) instead of 404. The exception filter asks it only when no route matched the request.
 */
import { METHODS } from 'node:http';

interface RouteLayer {
  route?: { methods: Record<string, boolean | undefined> };
  match?(path: string): boolean;
}

interface ExpressApp {
  router?: { stack?: RouteLayer[] };
}

/** The methods some route answers for `path`, upper case, sorted, HEAD with GET; empty when no route matches the path. */
export function allowedMethods(app: unknown, path: string): string[] {
  const stack = (app as ExpressApp | undefined)?.router?.stack ?? [];
  const methods = new Set<string>();
  for (const layer of stack) {
    if (!layer.route || typeof layer.match !== 'function') continue;
    // Nest mounts a middleware for RequestMethod.ALL as one route per method: that is no operation.
    if (Object.keys(layer.route.methods).length >= METHODS.length) continue;
    let matches = false;
    try {
      matches = layer.match(path);
    } catch {
      matches = false; // an undecodable parameter: the router answers that itself
    }
    if (!matches) continue;
    for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') methods.add(method.toUpperCase());
  }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}
