import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import type { CreatedOrder, Order, OrderDetail, OrderPreview, RefundResult } from '@allycard/contracts';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { SkipThrottle, Throttle } from '@nestjs/throttler';
import type { Request } from 'express';
import { CurrentPrincipal, Principal, Roles, STAFF_ROLES } from '../common/auth';
import { Idempotent } from '../common/idempotency';
import { RATE_LIMITS } from '../common/throttling';
import { OrderRequestDto, RefundRequestDto } from './dto/order.dto';
import { CheckoutService } from './checkout.service';
import { OrderPricingService } from './order-pricing.service';
import { OrdersService } from './orders.service';
import { PaymentsService } from './payments.service';
import { RefundsService } from './refunds.service';
import { IdParam } from '../common/ids';

@ApiTags('orders')
@ApiBearerAuth()
@Controller()
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly pricing: OrderPricingService,
    private readonly checkout: CheckoutService,
    private readonly refunds: RefundsService,
    private readonly payments: PaymentsService,
  ) {}

  @Post('orders/preview')
  @HttpCode(200)
  @Roles('member')
  preview(@CurrentPrincipal() who: Principal, @Body() body: OrderRequestDto): Promise<OrderPreview> {
    return this.pricing.preview(who, body);
  }

  @Post('orders')
  @Roles('member')
  @Idempotent({
    action: 'order',
    replay: async (get, who, orderId) => {
      const { payParams, ...order } = await get(OrdersService).get(who, orderId);
      return { order, payParams };
    },
  })
  @Throttle({ default: RATE_LIMITS.claim })
  create(@CurrentPrincipal() who: Principal, @Body() body: OrderRequestDto): Promise<CreatedOrder> {
    return this.checkout.create(who, body);
  }

  @Get('orders')
  @Roles('member')
  list(@CurrentPrincipal() who: Principal): Promise<Order[]> {
    return this.orders.listForMember(who);
  }

  @Get('orders/:id')
  @Roles('member')
  get(@CurrentPrincipal() who: Principal, @IdParam('id', '订单') id: string): Promise<OrderDetail> {
    return this.orders.get(who, id);
  }

  @Post('orders/:id/cancel')
  @HttpCode(200)
  @Roles('member')
  cancel(@CurrentPrincipal() who: Principal, @IdParam('id', '订单') id: string): Promise<OrderDetail> {
    return this.checkout.cancel(who, id);
  }

  @Get('staff/orders')
  @Roles(...STAFF_ROLES)
  merchantOrders(@CurrentPrincipal() staff: Principal): Promise<Order[]> {
    return this.orders.listForMerchant(staff);
  }

  @Post('staff/orders/:id/refund')
  @HttpCode(200)
  @Roles(...STAFF_ROLES)
  @Idempotent({ action: 'refund', replay: (get, staff, id) => get(RefundsService).answer(staff, id) })
  refund(
    @CurrentPrincipal() staff: Principal,
    @IdParam('id', '订单') id: string,
    @Body() body: RefundRequestDto,
  ): Promise<RefundResult> {
    return this.refunds.request(staff, id, body.amountFen);
  }

  /** WeChat Pay v3 notifications (payment and refund). */
  @Post('payments/wechat/notify')
  @HttpCode(204)
  @SkipThrottle()
  async notify(@Req() req: Request & { rawBody?: Buffer }): Promise<void> {
    await this.payments.handle(req.headers, req.rawBody);
  }
}
