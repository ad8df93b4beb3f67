import {
  CAMPAIGN_BATCH,
  CAMPAIGN_BATCH_BUDGET_MS,
  CAMPAIGN_MIN_BATCH,
  nextBatchSize,
} from '../src/campaigns/campaign-runner.service';

/** The campaign batches' size: a slow start, then adapted to the time budget (issue 12). */
describe('campaign batch size', () => {
  it('starts at 1 and doubles to the minimum whatever the time, then doubles only within the budget', () => {
    const slow = CAMPAIGN_BATCH_BUDGET_MS * 10;
    const sizes = [1];
    while (sizes.length < 6) sizes.push(nextBatchSize(sizes[sizes.length - 1]!, slow));
    expect(sizes).toEqual([1, 2, 4, 8, 16, 16]);
    expect(nextBatchSize(CAMPAIGN_MIN_BATCH, CAMPAIGN_BATCH_BUDGET_MS)).toBe(CAMPAIGN_MIN_BATCH * 2);
    expect(nextBatchSize(300, 1)).toBe(CAMPAIGN_BATCH);
    expect(nextBatchSize(CAMPAIGN_BATCH, 1)).toBe(CAMPAIGN_BATCH);
  });

  it('shrinks a slow batch towards the budget, at most by half, never below the minimum', () => {
    expect(nextBatchSize(400, CAMPAIGN_BATCH_BUDGET_MS * 1.25)).toBe(320);
    expect(nextBatchSize(400, CAMPAIGN_BATCH_BUDGET_MS * 40)).toBe(200);
    expect(nextBatchSize(20, CAMPAIGN_BATCH_BUDGET_MS * 40)).toBe(CAMPAIGN_MIN_BATCH);
  });
});
