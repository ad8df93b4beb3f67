/** Reports (apps/server/src/reports/reports.controller.ts), typed. */
import type { ReportsAcquisition, ReportsOverview, ReportsQuery } from '@allycard/contracts';
import { call } from './client';
import { queryString } from './members';

export const reportsApi = {
  overview: (query: ReportsQuery) =>
    call<ReportsOverview>('GET', `/admin/reports/overview${queryString({ ...query })}`),
  /** The overview's daily series as CSV text; the server audits the export. */
  overviewCsv: (query: ReportsQuery) =>
    call<string>('GET', `/admin/reports/overview.csv${queryString({ ...query })}`),
  acquisition: (query: Pick<ReportsQuery, 'from' | 'to'>) =>
    call<ReportsAcquisition>('GET', `/admin/reports/acquisition${queryString({ ...query })}`),
};
