import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import type { AdminMallItem, MallItem, MallOrder } from '@allycard/contracts';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import { CurrentPrincipal, Principal, Roles, STAFF_ROLES } from '../common/auth';
import { notFound } from '../common/errors';
import { Idempotent } from '../common/idempotency';
import { RATE_LIMITS } from '../common/throttling';
import { MerchantsService } from '../merchants/merchants.service';
import { CreateMallItemDto, PickupDto, RedeemDto, SetMallItemImageDto } from './dto/mall.dto';
import { itemDto, MallCatalogueService } from './mall-catalogue.service';
import { MallRedemptionService } from './mall-redemption.service';
import { IdParam } from '../common/ids';

@ApiTags('mall')
@ApiBearerAuth()
@Controller()
export class MallController {
  constructor(
    private readonly catalogue: MallCatalogueService,
    private readonly mall: MallRedemptionService,
    private readonly merchants: MerchantsService,
  ) {}

  @Get('mall/items')
  @Roles('member')
  list(@CurrentPrincipal() who: Principal): Promise<MallItem[]> {
    return this.catalogue.list(who);
  }

  @Get('mall/items/:id')
  @Roles('member')
  async item(@CurrentPrincipal() who: Principal, @IdParam('id', '商品') id: string): Promise<MallItem> {
    const found = (await this.catalogue.list(who)).find((i) => i.id === id);
    if (!found) throw notFound('商品');
    return found;
  }

  @Post('mall/items/:id/redeem')
  @Roles('member')
  @Idempotent({
    action: 'mall-redeem',
    replay: (get, who, id) => get(MallRedemptionService).redeemed(who, id),
  })
  @Throttle({ default: RATE_LIMITS.claim })
  redeem(
    @CurrentPrincipal() who: Principal,
    @IdParam('id', '商品') id: string,
    @Body() body: RedeemDto,
  ): Promise<MallOrder> {
    return this.mall.redeem(who, id, body.quantity);
  }

  @Get('me/mall-orders')
  @Roles('member')
  orders(@CurrentPrincipal() who: Principal): Promise<MallOrder[]> {
    return this.mall.myOrders(who);
  }

  @Post('staff/pickups')
  @HttpCode(200)
  @Roles(...STAFF_ROLES)
  @Throttle({ default: RATE_LIMITS.codeLookup })
  pickup(@CurrentPrincipal() staff: Principal, @Body() body: PickupDto): Promise<MallOrder> {
    return this.mall.pickup(staff, body.pickupCode);
  }

  @Post('admin/mall/items')
  @Roles('alliance_admin')
  async create(@CurrentPrincipal() who: Principal, @Body() body: CreateMallItemDto): Promise<AdminMallItem> {
    return itemDto(await this.catalogue.createItem(who, body), await this.names(who));
  }

  @Get('admin/mall/items')
  @Roles('alliance_admin')
  async adminList(@CurrentPrincipal() who: Principal): Promise<AdminMallItem[]> {
    const names = await this.names(who);
    return (await this.catalogue.listAdmin(who)).map((i) => itemDto(i, names));
  }

  /** The item's photo: an image uploaded with POST /admin/uploads, or null to remove it. */
  @Put('admin/mall/items/:id/image')
  @Roles('alliance_admin')
  async setImage(
    @CurrentPrincipal() who: Principal,
    @IdParam('id', '商品') id: string,
    @Body() body: SetMallItemImageDto,
  ): Promise<AdminMallItem> {
    return itemDto(await this.catalogue.setImage(who, id, body.imageUrl), await this.names(who));
  }

  @Post('admin/mall/items/:id/pause')
  @HttpCode(200)
  @Roles('alliance_admin')
  async pause(@CurrentPrincipal() who: Principal, @IdParam('id', '商品') id: string): Promise<AdminMallItem> {
    return itemDto(await this.catalogue.setStatus(who, id, 'paused'), await this.names(who));
  }

  @Post('admin/mall/items/:id/resume')
  @HttpCode(200)
  @Roles('alliance_admin')
  async resume(
    @CurrentPrincipal() who: Principal,
    @IdParam('id', '商品') id: string,
  ): Promise<AdminMallItem> {
    return itemDto(await this.catalogue.setStatus(who, id, 'active'), await this.names(who));
  }

  private async names(who: Principal) {
    return new Map((await this.merchants.list(who.allianceId)).map((m) => [m.id, m.name]));
  }
}
