import { Initial1732406400000 } from './1732406400000-initial';

/** In order; TypeORM runs the pending ones at start. */
export const migrations = [Initial1732406400000];
