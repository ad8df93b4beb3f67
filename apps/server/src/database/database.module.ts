import { Global, Module } from '@nestjs/common';
import { TypeOrmModule, TypeOrmModuleOptions } from '@nestjs/typeorm';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { APP_CONFIG, AppConfig } from '../common/config';
import { TransactionRunner } from '../common/transactions';
import { migrations } from './migrations';
import { SnakeNamingStrategy } from './columns';

/** Connections in the MySQL pool (the benchmark gives its baselines the same number). */
export const DB_POOL_SIZE = 30;

export function typeOrmOptions(config: AppConfig): TypeOrmModuleOptions {
  const common = {
    // Each module lists its own entities once, in its TypeOrmModule.forFeature; the schema comes from
    // the migrations below, never from the entities.
    autoLoadEntities: true,
    migrations,
    migrationsRun: true,
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    logging: false,
  } as const;
  if (config.database.kind === 'sqlite') {
    const file = config.database.file;
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: file,
      prepareDatabase: (db: { pragma(s: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('busy_timeout = 5000');
        db.pragma('foreign_keys = ON');
      },
    };
  }
  return {
    ...common,
    type: 'mysql',
    url: config.database.url,
    charset: 'utf8mb4_unicode_ci',
    // Times are UTC in storage (design.md).
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: true,
    extra: { connectionLimit: DB_POOL_SIZE },
  };
}

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig) {
    return {
      module: DatabaseModule,
      imports: [TypeOrmModule.forRoot(typeOrmOptions(config))],
      providers: [TransactionRunner, { provide: APP_CONFIG, useValue: config }],
      exports: [TransactionRunner, APP_CONFIG],
    };
  }
}
