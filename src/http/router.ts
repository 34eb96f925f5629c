// A tiny method+path router: exact paths and `:param` segments, 404/405 answered the same way everywhere.
import { httpError } from './responses.ts';

export type Handler = (req: Request, params: Record<string, string>, url: URL) => Response | Promise<Response>;

interface Route {
  parts: string[];
  methods: Map<string, Handler>;
}

export class Router {
  private readonly routes: Route[] = [];

  get(path: string, handler: Handler): this {
    return this.on('GET', path, handler);
  }

  on(method: string, path: string, handler: Handler): this {
    const parts = path.split('/').filter((p) => p.length > 0);
    let route = this.routes.find((r) => r.parts.join('/') === parts.join('/'));
    if (route === undefined) {
      route = { parts, methods: new Map() };
      this.routes.push(route);
    }
    route.methods.set(method, handler);
    return this;
  }

  /** Dispatch; never throws (a failing handler answers 500 without details). */
  async handle(req: Request, url: URL = new URL(req.url)): Promise<Response> {
    const segments = url.pathname.split('/').filter((p) => p.length > 0);
    for (const route of this.routes) {
      const params = match(route.parts, segments);
      if (params === null) continue;
      const method = req.method === 'HEAD' ? 'GET' : req.method;
      const handler = route.methods.get(method);
      if (handler === undefined) {
        const allow = [...route.methods.keys()].join(', ');
        return httpError(
          405,
          'method_not_allowed',
          `${req.method} is not allowed on ${url.pathname} (allowed: ${allow})`,
          { allow },
        );
      }
      try {
        return await handler(req, params, url);
      } catch {
        return httpError(500, 'internal_error', 'the request failed');
      }
    }
    return httpError(404, 'not_found', `no route for ${url.pathname.slice(0, 200)}`);
  }
}

function match(parts: readonly string[], segments: readonly string[]): Record<string, string> | null {
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const segment = segments[i] as string;
    if (part.startsWith(':')) {
      try {
        params[part.slice(1)] = decodeURIComponent(segment);
      } catch {
        return null;
      }
    } else if (part !== segment) return null;
  }
  return params;
}
