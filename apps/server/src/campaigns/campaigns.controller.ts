import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import type { Campaign, CampaignReport, Segment, SegmentCount } from '@allycard/contracts';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '../common/auth';
import { CampaignReportService } from './campaign-report.service';
import { CampaignsService } from './campaigns.service';
import { CampaignCreateDto, SegmentCreateDto, SegmentPreviewDto } from './dto/campaigns.dto';
import { SegmentsService } from './segments.service';

/** Segments and campaigns (contract: "Operating the alliance"); a merchant admin's are its merchant's. */
@ApiTags('admin: campaigns')
@ApiBearerAuth()
@Roles('alliance_admin', 'merchant_admin')
@Controller('admin')
export class CampaignsController {
  constructor(
    private readonly segments: SegmentsService,
    private readonly campaigns: CampaignsService,
    private readonly reports: CampaignReportService,
  ) {}

  @Post('segments/preview')
  @HttpCode(200)
  @ApiOkResponse({ description: '{count}' })
  preview(@CurrentPrincipal() who: Principal, @Body() body: SegmentPreviewDto): Promise<SegmentCount> {
    return this.segments.preview(who, body.filter);
  }

  @Post('segments')
  createSegment(@CurrentPrincipal() who: Principal, @Body() body: SegmentCreateDto): Promise<Segment> {
    return this.segments.create(who, body.name, body.filter);
  }

  @Get('segments')
  async listSegments(@CurrentPrincipal() who: Principal): Promise<{ items: Segment[] }> {
    return { items: await this.segments.list(who) };
  }

  @Post('campaigns')
  create(@CurrentPrincipal() who: Principal, @Body() body: CampaignCreateDto): Promise<Campaign> {
    return this.campaigns.create(who, body);
  }

  @Get('campaigns')
  async list(@CurrentPrincipal() who: Principal): Promise<{ items: Campaign[] }> {
    return { items: await this.campaigns.list(who) };
  }

  @Get('campaigns/:id')
  get(@CurrentPrincipal() who: Principal, @Param('id') id: string): Promise<Campaign> {
    return this.campaigns.get(who, id);
  }

  /** 202: the audience is frozen now; the job acts on it in batches. */
  @Post('campaigns/:id/launch')
  @HttpCode(202)
  launch(@CurrentPrincipal() who: Principal, @Param('id') id: string): Promise<Campaign> {
    return this.campaigns.launch(who, id);
  }

  @Post('campaigns/:id/pause')
  @HttpCode(200)
  pause(@CurrentPrincipal() who: Principal, @Param('id') id: string): Promise<Campaign> {
    return this.campaigns.pause(who, id);
  }

  @Post('campaigns/:id/resume')
  @HttpCode(200)
  resume(@CurrentPrincipal() who: Principal, @Param('id') id: string): Promise<Campaign> {
    return this.campaigns.resume(who, id);
  }

  @Post('campaigns/:id/cancel')
  @HttpCode(200)
  cancel(@CurrentPrincipal() who: Principal, @Param('id') id: string): Promise<Campaign> {
    return this.campaigns.cancel(who, id);
  }

  @Get('campaigns/:id/report')
  report(@CurrentPrincipal() who: Principal, @Param('id') id: string): Promise<CampaignReport> {
    return this.reports.report(who, id);
  }
}
