import { PrimaryColumn, ValueTransformer } from 'typeorm';
import { DefaultNamingStrategy, NamingStrategyInterface } from 'typeorm';

/** Ids are BIGINT in MySQL (strings through mysql2) and INTEGER in SQLite (numbers): strings in code and API. */
export const idTransformer: ValueTransformer = {
  from: (value: unknown) => (value === null || value === undefined ? value : String(value)),
  to: (value: unknown) => value,
};

/** Database columns in snake_case, properties in camelCase. */
export class SnakeNamingStrategy extends DefaultNamingStrategy implements NamingStrategyInterface {
  override columnName(propertyName: string, customName: string | undefined, prefixes: string[]): string {
    const name = customName ?? propertyName.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
    return prefixes.length ? prefixes.join('_') + '_' + name : name;
  }
}

/** Auto-increment primary key read as a string (see idTransformer). */
export const IdColumn = () =>
  PrimaryColumn({ type: 'bigint', generated: 'increment', transformer: idTransformer });

/** BIGINT money and counters: strings through mysql2, numbers in code (all fit a double; fen < 2^53). */
export const bigintNumber: ValueTransformer = {
  from: (value: unknown) => (value === null || value === undefined ? value : Number(value)),
  to: (value: unknown) => value,
};

/**
 * A DATETIME read by a raw query: mysql2 answers a Date (the pool's timezone is UTC), SQLite the UTC
 * text TypeORM stored ('2026-12-03 12:00:00.000').
 */
export function readStoredTime(value: Date | string): Date {
  return value instanceof Date ? value : new Date(`${value.replace(' ', 'T')}Z`);
}
