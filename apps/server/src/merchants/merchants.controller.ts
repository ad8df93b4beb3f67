import { Body, Controller, Get, Patch, Post, Put } from '@nestjs/common';
import type { AdminMerchant, StorePlace } from '@allycard/contracts';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '../common/auth';
import { CreateMerchantDto, SetMerchantLogoDto } from './dto/create-merchant.dto';
import { CreateStoreDto, UpdateStoreDto } from './dto/store.dto';
import { Merchant } from './merchant.entity';
import { MerchantsService, toMerchantDto, toStoreDto } from './merchants.service';
import { IdParam } from '../common/ids';

/** The console's merchants and stores; the members' GET /merchants is directory/'s. */
@ApiTags('merchants')
@ApiBearerAuth()
@Controller()
export class MerchantsController {
  constructor(private readonly merchants: MerchantsService) {}

  @Get('admin/merchants')
  @Roles('alliance_admin')
  async adminList(@CurrentPrincipal() who: Principal): Promise<AdminMerchant[]> {
    const [merchants, stores] = await Promise.all([
      this.merchants.list(who.allianceId),
      this.merchants.listAllStores(who.allianceId),
    ]);
    return merchants.map((m) => ({
      ...toMerchantDto(m),
      stores: stores.filter((s) => s.merchantId === m.id).map(toStoreDto),
    }));
  }

  @Post('admin/merchants')
  @Roles('alliance_admin')
  async create(@CurrentPrincipal() who: Principal, @Body() body: CreateMerchantDto): Promise<AdminMerchant> {
    const merchant = await this.merchants.create(who.allianceId, body);
    return this.withStores(who, merchant);
  }

  @Get('admin/merchants/:id')
  @Roles('alliance_admin')
  async get(@CurrentPrincipal() who: Principal, @IdParam('id', '商户') id: string): Promise<AdminMerchant> {
    const merchant = await this.merchants.get(who.allianceId, id);
    return this.withStores(who, merchant);
  }

  /** The logo shown on the merchant's coupons and in 联盟商户; null goes back to its initial. */
  @Put('admin/merchants/:id/logo')
  @Roles('alliance_admin')
  async setLogo(
    @CurrentPrincipal() who: Principal,
    @IdParam('id', '商户') id: string,
    @Body() body: SetMerchantLogoDto,
  ): Promise<AdminMerchant> {
    const merchant = await this.merchants.setLogo(who.allianceId, id, body.logoUrl);
    return this.withStores(who, merchant);
  }

  @Post('admin/merchants/:id/stores')
  @Roles('alliance_admin')
  async addStore(
    @CurrentPrincipal() who: Principal,
    @IdParam('id', '商户') id: string,
    @Body() body: CreateStoreDto,
  ): Promise<StorePlace> {
    return toStoreDto(await this.merchants.addStore(who.allianceId, id, body));
  }

  @Patch('admin/merchants/:id/stores/:storeId')
  @Roles('alliance_admin')
  async updateStore(
    @CurrentPrincipal() who: Principal,
    @IdParam('id', '商户') id: string,
    @IdParam('storeId', '门店') storeId: string,
    @Body() body: UpdateStoreDto,
  ): Promise<StorePlace> {
    return toStoreDto(await this.merchants.updateStore(who.allianceId, id, storeId, body));
  }

  private async withStores(who: Principal, merchant: Merchant) {
    const stores = await this.merchants.listStores(who.allianceId, merchant.id);
    return { ...toMerchantDto(merchant), stores: stores.map(toStoreDto) };
  }
}
