import { takeMismatches } from './api-document-check';

// Each spec file fails when one of its answers is not what /api/docs-json documents.
afterAll(() => {
  expect(takeMismatches()).toEqual([]);
});
