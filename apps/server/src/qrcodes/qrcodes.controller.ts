import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import type { QrCode, QrCodeRow, SceneInfo } from '@allycard/contracts';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '../common/auth';
import { CreateQrCodeDto } from './dto/create-qrcode.dto';
import { JOIN_PAGE, QrCodesService } from './qrcodes.service';

@ApiTags('qrcodes')
@Controller()
export class QrCodesController {
  constructor(private readonly qrcodes: QrCodesService) {}

  @Post('admin/qrcodes')
  @ApiBearerAuth()
  @Roles('alliance_admin')
  create(@CurrentPrincipal() who: Principal, @Body() body: CreateQrCodeDto): Promise<QrCode> {
    return this.qrcodes.create(who.allianceId, body);
  }

  @Get('admin/qrcodes')
  @ApiBearerAuth()
  @Roles('alliance_admin')
  async list(
    @CurrentPrincipal() who: Principal,
    @Query('merchantId') merchantId?: string,
  ): Promise<QrCodeRow[]> {
    const rows = await this.qrcodes.list(
      who.allianceId,
      typeof merchantId === 'string' ? merchantId : undefined,
    );
    return rows.map((q) => ({
      scene: q.scene,
      merchantId: q.merchantId,
      storeId: q.storeId,
      campaign: q.campaign,
      path: `${JOIN_PAGE}?scene=${encodeURIComponent(q.scene)}`,
      createdAt: q.createdAt.toISOString(),
    }));
  }

  /** Public: the join page shows whose code was scanned before the shopper joins. */
  @Get('scenes/:scene')
  describe(@Param('scene') scene: string): Promise<SceneInfo> {
    return this.qrcodes.describe(scene);
  }
}
