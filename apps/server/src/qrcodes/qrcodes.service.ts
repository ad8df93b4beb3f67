import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { QrCode as QrCodeDto, SceneInfo } from '@allycard/contracts';
import { isValidScene } from '@allycard/domain';
import { EntityManager, Repository } from 'typeorm';
import { randomToken } from '../common/crypto';
import { notFound } from '../common/errors';
import { TransactionRunner } from '../common/transactions';
import { MerchantsService, toMerchantDto } from '../merchants/merchants.service';
import { SceneScansService } from '../reports/scene-scans';
import { WechatClient } from '../wechat/wechat.client';
import { QrCode } from './qrcode.entity';

/** The mini-program page a merchant's 小程序码 opens. */
export const JOIN_PAGE = 'pages/join/index';

@Injectable()
export class QrCodesService {
  constructor(
    @InjectRepository(QrCode) private readonly qrcodes: Repository<QrCode>,
    private readonly merchants: MerchantsService,
    private readonly wechat: WechatClient,
    private readonly tx: TransactionRunner,
    private readonly scans: SceneScansService,
  ) {}

  /** A new scene for a merchant (and store / campaign), with its 小程序码 image from WeChat. */
  async create(
    allianceId: string,
    input: { merchantId: string; storeId?: string; campaign?: string },
  ): Promise<QrCodeDto> {
    await this.merchants.get(allianceId, input.merchantId);
    if (input.storeId) await this.merchants.getStore(allianceId, input.merchantId, input.storeId);
    // 12 url-safe characters = 72 random bits: unguessable, and far below WeChat's 32-character limit.
    const scene = randomToken(9);
    const image = await this.wechat.wxacodeUnlimited(scene, JOIN_PAGE);
    await this.tx.run((em) => this.saveScene(em, allianceId, scene, input));
    return {
      scene,
      path: `${JOIN_PAGE}?scene=${encodeURIComponent(scene)}`,
      imagePngBase64: image.toString('base64'),
    };
  }

  saveScene(
    em: EntityManager,
    allianceId: string,
    scene: string,
    input: { merchantId: string; storeId?: string; campaign?: string },
  ) {
    return em.save(
      em.create(QrCode, {
        allianceId,
        scene,
        merchantId: input.merchantId,
        storeId: input.storeId ?? null,
        campaign: input.campaign ?? null,
        createdAt: new Date(),
      }),
    );
  }

  /** What a scanned scene stands for; null when the scene is unknown (an old or foreign code). */
  async resolve(scene: string): Promise<QrCode | null> {
    if (!isValidScene(scene)) return null;
    return this.qrcodes.findOneBy({ scene });
  }

  async describe(scene: string): Promise<SceneInfo> {
    const qr = await this.resolve(scene);
    if (!qr) throw notFound('二维码');
    // Each opening counts as a scan in the acquisition funnel (GET /admin/reports/acquisition).
    await this.scans.opened(qr);
    const merchant = await this.merchants.get(qr.allianceId, qr.merchantId);
    const store = qr.storeId ? await this.merchants.getStore(qr.allianceId, qr.merchantId, qr.storeId) : null;
    return {
      scene: qr.scene,
      merchant: toMerchantDto(merchant),
      storeName: store?.name ?? null,
      campaign: qr.campaign,
    };
  }

  list(allianceId: string, merchantId?: string): Promise<QrCode[]> {
    return this.qrcodes.find({
      where: { allianceId, ...(merchantId && { merchantId }) },
      order: { id: 'ASC' },
    });
  }
}
