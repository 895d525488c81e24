/**
 * OpenAPI 3.1 assembled from the route schemas themselves (an onRoute hook collects them), served at
 * /api/docs/openapi.json; /api/docs is a plain HTML index of the same (no scripts).
 */
import type { FastifyInstance, RouteOptions } from 'fastify';

declare module 'fastify' {
  interface FastifySchema {
    summary?: string;
    description?: string;
    /** documents a body the route parses itself (e.g. signed uploads, validated after signature checks) */
    documentedBody?: unknown;
    documentedBodyType?: string;
    /** left out of the OpenAPI document */
    hide?: boolean;
  }
}

type JsonSchema = { properties?: Record<string, unknown>; required?: string[]; [k: string]: unknown };

interface Collected {
  method: string;
  url: string;
  schema: RouteOptions['schema'];
}

function parameters(where: 'query' | 'path' | 'header', s: unknown) {
  const schema = s as JsonSchema | undefined;
  if (!schema?.properties) return [];
  return Object.entries(schema.properties).map(([name, sub]) => ({
    name,
    in: where,
    required: where === 'path' || (schema.required ?? []).includes(name),
    schema: sub,
  }));
}

export class OpenApiCollector {
  private readonly routes: Collected[] = [];

  install(app: FastifyInstance): void {
    app.addHook('onRoute', (r) => {
      if (r.url.startsWith('/api/docs') || r.method === 'HEAD' || r.schema?.hide) return;
      const methods = Array.isArray(r.method) ? r.method : [r.method];
      for (const m of methods)
        if (m !== 'HEAD') this.routes.push({ method: m, url: r.url, schema: r.schema });
    });
  }

  document(): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of this.routes) {
      const path = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      const s = r.schema ?? {};
      const op: Record<string, unknown> = {
        summary: s.summary,
        description: s.description,
        parameters: [
          ...parameters('path', s.params),
          ...parameters('query', s.querystring),
          ...parameters('header', s.headers),
        ],
        responses: Object.fromEntries(
          Object.entries((s.response as Record<string, unknown>) ?? { 200: {} }).map(([code, schema]) => [
            code,
            { description: `HTTP ${code}`, content: { 'application/json': { schema } } },
          ]),
        ),
      };
      const body = s.body ?? s.documentedBody;
      if (body) {
        op.requestBody = {
          required: true,
          content: { [s.documentedBodyType ?? 'application/json']: { schema: body } },
        };
      }
      paths[path] ??= {};
      paths[path][r.method.toLowerCase()] = op;
    }
    return {
      openapi: '3.1.0',
      info: {
        title: 'Raabta collector API',
        version: '1',
        description: 'See collector/API.md. Errors: { "error": { "code", "message" } }.',
      },
      paths,
    };
  }

  html(): string {
    const esc = (s: string) =>
      s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    const rows = this.routes
      .map(
        (r) =>
          `<tr><td>${esc(r.method)}</td><td><code>${esc(r.url)}</code></td><td>${esc(r.schema?.summary ?? '')}</td></tr>`,
      )
      .join('\n');
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Raabta collector API</title></head>
<body><h1>Raabta collector API (v1)</h1>
<p>Machine-readable: <a href="/api/docs/openapi.json">OpenAPI 3.1 JSON</a>. Errors are
<code>{ "error": { "code", "message" } }</code> with a stable code.</p>
<table><thead><tr><th>Method</th><th>Path</th><th>What</th></tr></thead><tbody>
${rows}
</tbody></table></body></html>`;
  }
}
