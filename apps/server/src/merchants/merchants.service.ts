import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Merchant as MerchantDto } from '@allycard/contracts';
import { EntityManager, Repository } from 'typeorm';
import { notFound } from '../common/errors';
import { TransactionRunner } from '../common/transactions';
import { Merchant } from './merchant.entity';
import { Store } from './store.entity';

export function toMerchantDto(m: Merchant): MerchantDto {
  return { id: m.id, name: m.name, description: m.description };
}

@Injectable()
export class MerchantsService {
  constructor(
    @InjectRepository(Merchant) private readonly merchants: Repository<Merchant>,
    @InjectRepository(Store) private readonly stores: Repository<Store>,
    private readonly tx: TransactionRunner,
  ) {}

  list(allianceId: string): Promise<Merchant[]> {
    return this.merchants.find({ where: { allianceId }, order: { id: 'ASC' } });
  }

  /** A merchant of this alliance; another alliance's id reads as not found. */
  async get(allianceId: string, merchantId: string): Promise<Merchant> {
    const merchant = /^\d{1,19}$/.test(merchantId)
      ? await this.merchants.findOneBy({ id: merchantId, allianceId })
      : null;
    if (!merchant) throw notFound('商户');
    return merchant;
  }

  async getStore(allianceId: string, merchantId: string, storeId: string): Promise<Store> {
    const store = /^\d{1,19}$/.test(storeId)
      ? await this.stores.findOneBy({ id: storeId, allianceId, merchantId })
      : null;
    if (!store) throw notFound('门店');
    return store;
  }

  create(
    allianceId: string,
    input: { name: string; description?: string; stores?: string[] },
  ): Promise<Merchant> {
    return this.tx.run((em) => this.createIn(em, allianceId, input));
  }

  /** A merchant and its stores (a merchant without stores gets one of its own name). */
  async createIn(
    em: EntityManager,
    allianceId: string,
    input: { name: string; description?: string; stores?: string[] },
  ): Promise<Merchant> {
    const now = new Date();
    const merchant = await em.save(
      em.create(Merchant, {
        allianceId,
        name: input.name,
        description: input.description ?? null,
        createdAt: now,
      }),
    );
    const storeNames = input.stores?.length ? input.stores : [input.name];
    await em.save(
      storeNames.map((name) =>
        em.create(Store, { allianceId, merchantId: merchant.id, name, createdAt: now }),
      ),
    );
    return merchant;
  }

  /** Every store of the alliance, in one query. */
  listAllStores(allianceId: string): Promise<Store[]> {
    return this.stores.find({ where: { allianceId }, order: { id: 'ASC' } });
  }

  listStores(allianceId: string, merchantId: string): Promise<Store[]> {
    return this.stores.find({ where: { allianceId, merchantId }, order: { id: 'ASC' } });
  }
}
