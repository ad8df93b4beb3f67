import {
  applyDecorators,
  ArgumentMetadata,
  Injectable,
  PipeTransform,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import type { FieldError } from '@allycard/contracts';
import { parseInstant } from '@allycard/domain';
import { Transform, Type } from 'class-transformer';
import {
  IsArray,
  IsObject,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  ValidationOptions,
} from 'class-validator';
import { validationFailed } from './errors';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * class-validator with whitelisting: unknown fields are rejected, not silently dropped, and every
 * failure lists its fields in the envelope's `details`.
 */
export const validationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  transformOptions: { enableImplicitConversion: false },
  validationError: { target: false, value: false },
  exceptionFactory: (errors) => validationFailed(flatten(errors)),
});

/** A JSON body must be an object when the route expects a DTO (arrays and scalars are not bodies). */
@Injectable()
export class BodyShapePipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata) {
    if (metadata.type !== 'body' || !metadata.metatype || metadata.metatype === Object) return value;
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw validationFailed([{ field: 'body', message: 'body must be a JSON object' }]);
    }
    return value;
  }
}

/**
 * Deepest nesting of arrays and objects a JSON body may have. Validation, class-transformer and the
 * Idempotency-Key body hash all recurse over the body: thousands of levels overflow the stack.
 */
export const MAX_JSON_DEPTH = 32;

/** Whether a parsed JSON value nests deeper than `max` arrays/objects; iterative, so any depth is safe. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [node, depth] = next;
    if (node === null || typeof node !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

/** The body-parser stage's check: a body nested deeper than MAX_JSON_DEPTH is a 400 before anything reads it. */
export function jsonDepthError(body: unknown) {
  return nestsDeeperThan(body, MAX_JSON_DEPTH)
    ? validationFailed([
        { field: 'body', message: `JSON must not nest deeper than ${MAX_JSON_DEPTH} levels` },
      ])
    : undefined;
}

/**
 * Optional, but not null: the field may be left out, and when given it is validated. class-validator's
 * @IsOptional also skips null, which then reaches the service as a value. Use @IsOptional only where
 * null means something (e.g. "turn off").
 */
export const IsOptionalNotNull = (options?: ValidationOptions) =>
  ValidateIf((_, value) => value !== undefined, options);

/** A required nested object: not missing, null, a scalar or an array (even of objects), and valid inside. */
export const NestedObject = (type: () => new () => object) =>
  applyDecorators(
    IsObject({ message: ({ property }) => `${property} must be an object` }),
    ValidateNested(),
    Type(type),
  );

/**
 * An array of nested objects, each valid. @ValidateNested walks into an element that is itself an
 * array (it allows arrays of arrays) and passes an empty one, so array elements are made null first:
 * null is refused with the element named (`tiers.1`).
 */
export const NestedObjectArray = (type: () => new () => object) =>
  applyDecorators(
    IsArray(),
    ValidateNested({
      each: true,
      message: ({ property }) => `each element of ${property} must be an object`,
    }),
    Type(type),
    Transform(({ value }: { value: unknown }) =>
      Array.isArray(value)
        ? value.map((element: unknown) => (Array.isArray(element) ? null : element))
        : value,
    ),
  );

/**
 * An ISO 8601 time with an explicit offset or Z. A time without one would be read in the server's
 * zone, which is nobody's business calendar.
 */
export const IsInstant = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isInstant',
      validator: {
        validate: (value) => typeof value === 'string' && parseInstant(value) !== null,
        defaultMessage: (args) => `${args?.property} must be an ISO 8601 time with an offset or Z`,
      },
    },
    options,
  );
