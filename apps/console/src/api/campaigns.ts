/** Lifecycle, segments and campaigns (apps/server/src/campaigns/campaigns.controller.ts), typed. */
import type {
  Campaign,
  CampaignCreate,
  CampaignReport,
  LifecycleCounts,
  LifecyclePolicy,
  Segment,
  SegmentFilter,
} from '@allycard/contracts';
import { call } from './client';

const id = (value: string) => encodeURIComponent(value);

export const campaignsApi = {
  lifecyclePolicy: () => call<LifecyclePolicy>('GET', '/admin/lifecycle-policy'),
  saveLifecyclePolicy: (body: LifecyclePolicy) =>
    call<LifecyclePolicy>('PUT', '/admin/lifecycle-policy', body),
  lifecycleCounts: () => call<LifecycleCounts>('GET', '/admin/lifecycle-counts'),
  previewSegment: (filter: SegmentFilter) =>
    call<{ count: number }>('POST', '/admin/segments/preview', { filter }),
  createSegment: (name: string, filter: SegmentFilter) =>
    call<Segment>('POST', '/admin/segments', { name, filter }),
  segments: () => call<{ items: Segment[] }>('GET', '/admin/segments').then((r) => r.items),
  campaigns: () => call<{ items: Campaign[] }>('GET', '/admin/campaigns').then((r) => r.items),
  campaign: (campaignId: string) => call<Campaign>('GET', `/admin/campaigns/${id(campaignId)}`),
  createCampaign: (body: CampaignCreate) => call<Campaign>('POST', '/admin/campaigns', body),
  launch: (campaignId: string) => call<Campaign>('POST', `/admin/campaigns/${id(campaignId)}/launch`),
  pause: (campaignId: string) => call<Campaign>('POST', `/admin/campaigns/${id(campaignId)}/pause`),
  resume: (campaignId: string) => call<Campaign>('POST', `/admin/campaigns/${id(campaignId)}/resume`),
  cancel: (campaignId: string) => call<Campaign>('POST', `/admin/campaigns/${id(campaignId)}/cancel`),
  report: (campaignId: string) => call<CampaignReport>('GET', `/admin/campaigns/${id(campaignId)}/report`),
};
