import fs from 'node:fs';
import OpenAPIResponseValidator from 'openapi-response-validator';

/**
 * Every answer the server suite receives under /api/v1 is checked against the published document
 * (/api/docs-json) with openapi-response-validator: its status must be documented for the
 * operation, and its body must match the schema documented for that status. Mismatches fail the
 * spec file that met them (api-document-setup.ts). OPENAPI_RECORD=<file> instead writes what was
 * seen, one JSON line each.
 */
interface Operation {
  name: string;
  pattern: RegExp;
  responses: Record<string, { content?: Record<string, unknown> }>;
  /** made on first use: compiling every operation's schemas up front stalls the server's sockets */
  validator: () => OpenAPIResponseValidator;
}

const mismatches: string[] = [];
let operations: Promise<Map<string, Operation[]>> | null = null;
let components: { schemas?: Record<string, Schema> } = {};

function operationsOf(baseUrl: string): Promise<Map<string, Operation[]>> {
  operations ??= (async () => {
    const document = (await (await fetch(`${baseUrl}/api/docs-json`)).json()) as any;
    const byMethod = new Map<string, Operation[]>();
    components = document.components;
    for (const [template, item] of Object.entries<Record<string, any>>(document.paths)) {
      // /api/v1/me/coupons/{id} → ^/api/v1/me/coupons/[^/]+$ ; literal segments first when matching.
      const pattern = new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`);
      for (const [method, op] of Object.entries<any>(item)) {
        const list = byMethod.get(method.toUpperCase()) ?? [];
        list.push({
          name: `${method.toUpperCase()} ${template.replace(/^\/api\/v1/, '')}`,
          pattern,
          responses: op.responses ?? {},
          validator: lazy(() => new OpenAPIResponseValidator({ responses: op.responses ?? {}, components })),
        });
        byMethod.set(method.toUpperCase(), list);
      }
    }
    // A literal path (/admin/members.csv) wins over a parameter (/admin/members/{id}).
    for (const list of byMethod.values()) list.sort((a, b) => paramCount(a.name) - paramCount(b.name));
    return byMethod;
  })();
  return operations;
}

function lazy<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}

const paramCount = (name: string) => (name.match(/\{/g) ?? []).length;

export async function checkAgainstDocument(
  baseUrl: string,
  method: string,
  urlPath: string,
  status: number,
  body: unknown,
  contentType: string | null,
): Promise<void> {
  const apiPath = new URL(urlPath, 'http://x').pathname;
  if (!apiPath.startsWith('/api/v1/')) return;
  const operation = (await operationsOf(baseUrl))
    .get(method.toUpperCase())
    ?.find((o) => o.pattern.test(apiPath));
  if (!operation) {
    // Unknown routes answer 404 (or 405-ish 404) in the envelope; nothing documents them.
    if (status !== 404) mismatches.push(`${method} ${apiPath} → ${status}: no documented operation`);
    return;
  }
  if (process.env.OPENAPI_RECORD) {
    const line = { op: operation.name, status, contentType, body };
    fs.appendFileSync(process.env.OPENAPI_RECORD, JSON.stringify(line) + '\n');
    return;
  }
  const documented = operation.responses[String(status)];
  if (!documented) {
    mismatches.push(`${operation.name} answered ${status}, which the document does not list`);
    return;
  }
  const media = Object.keys(documented.content ?? {});
  const type = contentType?.split(';')[0].trim() ?? null;
  const declared = media.some((m) => m === type || (m.endsWith('/*') && type?.startsWith(m.slice(0, -1))));
  if (media.length && !declared) {
    mismatches.push(`${operation.name} ${status}: answered ${type}, documented ${media.join(', ')}`);
    return;
  }
  if (type !== 'application/json') return;
  const failure = operation.validator().validateResponse(status, body);
  if (!failure) return;
  // an undeclared property is named, so the message says what to document
  const schema = (documented.content?.['application/json'] as { schema?: Schema } | undefined)?.schema;
  const detail = failure.errors.map((e: { path?: string; message: string }) => {
    const extra = /additional properties/.test(e.message) ? undeclaredKeys(schema, body, e.path ?? '') : [];
    return `${e.path ?? ''} ${e.message}${extra.length ? ` (${extra.join(', ')})` : ''}`;
  });
  mismatches.push(`${operation.name} ${status}: ${[...new Set(detail)].join('; ').slice(0, 600)}`);
}

interface Schema {
  $ref?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
}

const resolve = (s: Schema | undefined): Schema | undefined =>
  s?.$ref ? resolve(components.schemas?.[s.$ref.split('/').pop()!]) : s;

/** Every property name `schema` (with its allOf / anyOf / oneOf parts) declares. */
function declared(schema: Schema | undefined): Set<string> {
  const s = resolve(schema);
  const names = new Set(Object.keys(s?.properties ?? {}));
  for (const part of [...(s?.allOf ?? []), ...(s?.anyOf ?? []), ...(s?.oneOf ?? [])])
    for (const n of declared(part)) names.add(n);
  return names;
}

/** The sub-schema at `segment` (a property name or an array index), across allOf / anyOf / oneOf. */
function child(schema: Schema | undefined, segment: string): Schema | undefined {
  const s = resolve(schema);
  if (!s) return undefined;
  if (/^\d+$/.test(segment) && s.items) return s.items;
  if (s.properties?.[segment]) return s.properties[segment];
  for (const part of [...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? [])]) {
    const found = child(part, segment);
    if (found) return found;
  }
  return undefined;
}

/** The keys of the answer's object at `path` ("coupons/0"; "response" is the whole body) the document does not declare. */
function undeclaredKeys(schema: Schema | undefined, body: unknown, path: string): string[] {
  let s = schema;
  let value = body as Record<string, unknown> | undefined;
  for (const segment of path.split('/').filter((x) => x && x !== 'response')) {
    s = child(s, segment);
    value = value?.[segment] as Record<string, unknown> | undefined;
  }
  if (!value || typeof value !== 'object') return [];
  const names = declared(s);
  return Object.keys(value).filter((k) => !names.has(k));
}

/** What this spec file met that the document does not say; emptied on reading. */
export function takeMismatches(): string[] {
  return mismatches.splice(0, mismatches.length);
}
