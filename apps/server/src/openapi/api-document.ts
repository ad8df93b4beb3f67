import fs from 'node:fs';
import type { OpenAPIObject } from '@nestjs/swagger';
import { OPERATIONS, type OperationDoc } from './operations';

type Schema = Record<string, unknown>;

/** The JSON Schemas packages/contracts generates from its types (scripts/schemas.mjs). */
function contractSchemas(): Record<string, Schema> {
  const file = require.resolve('@allycard/contracts/dist/schemas.json');
  const text = fs.readFileSync(file, 'utf8').replaceAll('#/definitions/', '#/components/schemas/');
  return JSON.parse(text);
}

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

function successSchema(ok: string): Schema {
  if (ok.endsWith('[]')) return { type: 'array', items: ref(ok.slice(0, -2)) };
  if (ok.startsWith('page:')) {
    return {
      type: 'object',
      properties: {
        items: { type: 'array', items: ref(ok.slice(5)) },
        nextCursor: { type: ['string', 'null'] },
      },
      required: ['items', 'nextCursor'],
    };
  }
  return ref(ok);
}

const ERROR_MEANINGS: Record<number, string> = {
  400: 'VALIDATION_FAILED: the body, query or a path parameter is malformed; nothing changed',
  401: 'UNAUTHENTICATED: no token, or not a valid one',
  403: 'FORBIDDEN: the token’s role may not do this, or the row belongs to another merchant or member',
  404: 'NOT_FOUND (or NOT_A_MEMBER): no such row visible to the caller',
  409: 'a business rule refused it (OUT_OF_STOCK, LIMIT_REACHED, INSUFFICIENT_POINTS, …); nothing changed',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'VALIDATION_FAILED: the body is not JSON',
  422: 'a code or token that is expired or not valid (CODE_EXPIRED, CODE_INVALID, WECHAT_CODE_INVALID, …)',
  429: 'RATE_LIMITED: try again later',
  503: 'SERVICE_UNAVAILABLE or WECHAT_UNAVAILABLE: the database or WeChat did not answer; retry',
};

/** The statuses every operation of its kind may answer, whatever it does. */
function commonErrors(method: string, path: string, doc: OperationDoc): number[] {
  const statuses = [400, 429, 503];
  if (!doc.public) statuses.push(401, 403);
  if (path.includes('{')) statuses.push(404);
  if (['post', 'put', 'patch', 'delete'].includes(method)) statuses.push(413, 415);
  return statuses;
}

/** Which part of the API an operation belongs to: the Swagger UI groups by it. */
function roleOf(path: string): string {
  if (path.startsWith('/admin')) return 'admin';
  if (path.startsWith('/staff')) return 'staff';
  if (path.startsWith('/payments')) return 'payments';
  if (path.startsWith('/health')) return 'operations';
  return 'member';
}

export const ROLE_TAGS = [
  {
    name: 'member',
    description:
      '会员 (mini-program): a member token from POST /auth/login or POST /join; public routes need none',
  },
  {
    name: 'staff',
    description: '店员 at the counter: a clerk or merchant_admin token from POST /staff/login',
  },
  {
    name: 'admin',
    description: '运营 console: an alliance_admin or merchant_admin token from POST /admin/login',
  },
  { name: 'payments', description: 'WeChat Pay v3 notifications: signed by WeChat, verified before use' },
  { name: 'operations', description: 'probes for load balancers and orchestrators' },
];

/**
 * Completes the document @nestjs/swagger builds from the controllers: every response an operation
 * can give (success bodies from packages/contracts, each error as the envelope), the role groups,
 * and which operations need a token. OpenAPI 3.1, so a schema's `null` is plain JSON Schema.
 */
export function completeApiDocument(document: OpenAPIObject, prefix: string): OpenAPIObject {
  const schemas = contractSchemas();
  schemas.ApiError = {
    type: 'object',
    description: 'Every error: {"error": {"code", "message", "details"}}',
    properties: {
      error: {
        type: 'object',
        properties: { code: ref('ErrorCode'), message: { type: 'string' }, details: {} },
        required: ['code', 'message'],
      },
    },
    required: ['error'],
  };
  document.openapi = '3.1.0';
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...schemas } };
  document.tags = ROLE_TAGS;
  for (const [fullPath, item] of Object.entries(document.paths)) {
    const path = fullPath.slice(prefix.length);
    for (const [method, operation] of Object.entries(item) as [string, any][]) {
      const doc = OPERATIONS[`${method.toUpperCase()} ${path}`];
      if (!doc) continue; // api-document.spec fails on an operation without one
      operation.tags = [roleOf(path)];
      operation.security = doc.public ? [] : [{ bearer: [] }];
      const responses: Record<string, unknown> = {};
      for (const status of doc.status ?? [method === 'post' ? 201 : 200]) {
        const content: Record<string, unknown> = {};
        if (doc.ok) content['application/json'] = { schema: successSchema(doc.ok) };
        if (doc.media) content[doc.media] = { schema: { type: 'string', format: 'binary' } };
        responses[status] = { description: 'success', ...(Object.keys(content).length ? { content } : {}) };
      }
      const errors = new Set([...commonErrors(method, path, doc), ...(doc.errors ?? [])]);
      for (const status of [...errors].sort()) {
        responses[status] = {
          description: ERROR_MEANINGS[status],
          content: { 'application/json': { schema: ref('ApiError') } },
        };
      }
      operation.responses = responses;
    }
  }
  return document;
}
