export * from './errors';
export * from './types';
export * from './admin';
export * from './member';
export * from './client';
export * from './member-database';
export * from './privacy';
export * from './reports';
