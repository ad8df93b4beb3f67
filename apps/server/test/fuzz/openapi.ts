import type { Rng } from './prng';

/** The parts of an OpenAPI 3 schema the fuzzer reads. */
export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, Schema> };
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

interface OperationObject {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

export interface Operation {
  method: string;
  /** the path under /api/v1, with `{param}` placeholders */
  path: string;
  pathParams: string[];
  query: Parameter[];
  /** takes an Idempotency-Key header */
  idempotent: boolean;
  body?: Schema;
}

const PREFIX = '/api/v1';

/** Every operation of the document, in document order. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const params = op.parameters ?? [];
      return {
        method: method.toUpperCase(),
        path: path.startsWith(PREFIX) ? path.slice(PREFIX.length) : path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params.filter((p) => p.in === 'query'),
        idempotent: params.some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key'),
        body: op.requestBody?.content?.['application/json']?.schema,
      };
    }),
  );
}

/** A schema with its `$ref` (into components.schemas) and `allOf` followed; `name` is the component's. */
export function resolve(doc: OpenApiDocument, schema: Schema): { schema: Schema; name?: string } {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = doc.components?.schemas?.[name];
    if (!target) throw new Error(`unresolved $ref ${schema.$ref}`);
    return { schema: resolve(doc, target).schema, name };
  }
  if (schema.allOf?.length) {
    const parts = schema.allOf.map((s) => resolve(doc, s).schema);
    return {
      schema: {
        type: 'object',
        properties: Object.assign({}, ...parts.map((p) => p.properties ?? {}), schema.properties),
        required: [...parts.flatMap((p) => p.required ?? []), ...(schema.required ?? [])],
      },
    };
  }
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives?.length) return resolve(doc, alternatives[0]);
  return { schema };
}

/**
 * What a field should hold to look real: seeded ids, fresh WeChat codes, a sensible tier ladder.
 * `owner` is the component schema the field belongs to (for field '', the object itself);
 * undefined lets the schema decide.
 */
export type Hint = (field: string, owner: string | undefined, op: Operation) => Promise<unknown> | unknown;

interface Context {
  doc: OpenApiDocument;
  rng: Rng;
  hint: Hint;
  op: Operation;
}

/** A valid-looking value for `schema`: required fields always, optional ones half the time. */
export async function validValue(
  ctx: Context,
  schema: Schema,
  field = '',
  owner?: string,
  depth = 0,
): Promise<unknown> {
  const hinted = field ? await ctx.hint(field, owner, ctx.op) : undefined;
  if (hinted !== undefined) return hinted;
  const { schema: s, name } = resolve(ctx.doc, schema);
  // a whole object some rules tie together (a coupon template's kind and its value fields)
  const whole = name && (await ctx.hint('', name, ctx.op));
  if (whole) return whole;
  if (s.enum?.length) return ctx.rng.pick(s.enum);
  if (s.example !== undefined && ctx.rng.chance(0.5)) return s.example;
  if (s.type === 'object' || s.properties) {
    const out: Record<string, unknown> = {};
    for (const [key, prop] of Object.entries(s.properties ?? {})) {
      if (s.required?.includes(key) || (depth < 4 && ctx.rng.chance(0.5)))
        out[key] = await validValue(ctx, prop, key, name, depth + 1);
    }
    return out;
  }
  if (s.type === 'array') {
    const min = s.minItems ?? 1;
    const count = min + ctx.rng.int(Math.max(1, Math.min(s.maxItems ?? 3, 3) - min + 1));
    const item = field.replace(/s$/, '');
    const items: unknown[] = [];
    for (let i = 0; i < count; i++) items.push(await validValue(ctx, s.items ?? {}, item, owner, depth + 1));
    return items;
  }
  if (s.type === 'boolean') return ctx.rng.chance(0.5);
  if (s.type === 'number' || s.type === 'integer') return numberFor(ctx.rng, field, s);
  return stringFor(ctx.rng, field, s);
}

function numberFor(rng: Rng, field: string, s: Schema): number {
  if (s.minimum !== undefined || s.maximum !== undefined) {
    const min = s.minimum ?? 0;
    const max = s.maximum ?? min + 1000;
    return min + rng.int(Math.max(1, Math.floor(max - min) + 1));
  }
  if (/Permille$/.test(field)) return /multiplier/i.test(field) ? 1000 + rng.int(1000) : 500 + rng.int(500);
  if (/Fen$/.test(field)) return rng.pick([1, 100, 1000 + rng.int(20_000)]);
  if (/Days$|Months$/.test(field)) return 1 + rng.int(30);
  if (/limit|quantity/i.test(field)) return 1 + rng.int(2);
  return 1 + rng.int(500);
}

function stringFor(rng: Rng, field: string, s: Schema): string {
  if (s.format === 'date-time' || /^valid(From|Until)$|At$/.test(field)) {
    const days = field === 'validFrom' ? -rng.int(3) : 1 + rng.int(60);
    return new Date(Date.now() + days * 86_400_000).toISOString();
  }
  if (s.format === 'date' || /birthday|date/i.test(field))
    return `19${70 + rng.int(30)}-0${1 + rng.int(9)}-1${rng.int(9)}`;
  if (/password/i.test(field)) return `pw-${rng.hex(12)}`;
  if (/username/i.test(field)) return `fz_${rng.hex(8)}`;
  if (/Id$|^id$/.test(field)) return String(1 + rng.int(50));
  if (/campaign/i.test(field)) return `fz-${rng.hex(6)}`;
  const min = s.minLength ?? 1;
  return `${rng.pick(['测试', 'fuzz', '券', '咖啡'])}${rng.hex(Math.max(min, 4))}`.slice(
    0,
    s.maxLength ?? 64,
  );
}
