import { Injectable, Param, PipeTransform } from '@nestjs/common';
import { Matches, ValidationOptions } from 'class-validator';
import { notFound } from './errors';

/** A row id as the API writes it: a decimal BIGINT (snowflake), at most 19 digits. */
export const ID_PATTERN = /^\d{1,19}$/;

export const isId = (value: unknown): value is string => typeof value === 'string' && ID_PATTERN.test(value);

/** A body or query field holding an id (or, with `each`, a list of ids). */
export const IsId = (options?: ValidationOptions) =>
  Matches(ID_PATTERN, {
    message: ({ property }) =>
      options?.each ? `each element of ${property} must be an id` : `${property} must be an id`,
    ...options,
  });

/**
 * A path segment that names a row: what cannot be an id cannot name one, so it answers the same
 * 404 as an id nobody has, before any query runs.
 */
@Injectable()
export class IdPipe implements PipeTransform<string, string> {
  constructor(private readonly what: string) {}

  transform(value: string): string {
    if (!isId(value)) throw notFound(this.what);
    return value;
  }
}

/** `@IdParam('id', '订单')`: the path parameter, checked by IdPipe. */
export const IdParam = (name: string, what: string) => Param(name, new IdPipe(what));
