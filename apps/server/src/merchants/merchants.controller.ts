import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '../common/auth';
import { CreateMerchantDto } from './dto/create-merchant.dto';
import { MerchantsService, toMerchantDto } from './merchants.service';

@ApiTags('merchants')
@ApiBearerAuth()
@Controller()
export class MerchantsController {
  constructor(private readonly merchants: MerchantsService) {}

  @Get('merchants')
  @Roles('member', 'clerk', 'merchant_admin', 'alliance_admin')
  async list(@CurrentPrincipal() who: Principal) {
    return (await this.merchants.list(who.allianceId)).map(toMerchantDto);
  }

  @Get('admin/merchants')
  @Roles('alliance_admin')
  async adminList(@CurrentPrincipal() who: Principal) {
    const [merchants, stores] = await Promise.all([
      this.merchants.list(who.allianceId),
      this.merchants.listAllStores(who.allianceId),
    ]);
    return merchants.map((m) => ({
      ...toMerchantDto(m),
      stores: stores.filter((s) => s.merchantId === m.id).map((s) => ({ id: s.id, name: s.name })),
    }));
  }

  @Post('admin/merchants')
  @Roles('alliance_admin')
  async create(@CurrentPrincipal() who: Principal, @Body() body: CreateMerchantDto) {
    const merchant = await this.merchants.create(who.allianceId, body);
    const stores = await this.merchants.listStores(who.allianceId, merchant.id);
    return { ...toMerchantDto(merchant), stores: stores.map((s) => ({ id: s.id, name: s.name })) };
  }

  @Get('admin/merchants/:id')
  @Roles('alliance_admin')
  async get(@CurrentPrincipal() who: Principal, @Param('id') id: string) {
    const merchant = await this.merchants.get(who.allianceId, id);
    const stores = await this.merchants.listStores(who.allianceId, merchant.id);
    return { ...toMerchantDto(merchant), stores: stores.map((s) => ({ id: s.id, name: s.name })) };
  }
}
