import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Merchant as MerchantDto, StoreInput, StorePlace } from '@allycard/contracts';
import { EntityManager, Repository } from 'typeorm';
import { notFound, validationFailed } from '../common/errors';
import { TransactionRunner } from '../common/transactions';
import { Merchant } from './merchant.entity';
import { Store } from './store.entity';
import { isId } from '../common/ids';

export function toMerchantDto(m: Merchant): MerchantDto {
  return { id: m.id, name: m.name, description: m.description, logoUrl: m.logoUrl };
}

export function toStoreDto(s: Store): StorePlace {
  return {
    id: s.id,
    name: s.name,
    address: s.address,
    latitude: s.latitude,
    longitude: s.longitude,
    hoursText: s.hoursText,
    opensAt: s.opensAt,
    closesAt: s.closesAt,
    phone: s.phone,
  };
}

type StorePatch = Partial<Omit<StoreInput, 'name'>> & { name?: string };

/** Six decimals, as the DECIMAL(9,6) columns keep them: SQLite would keep any float. */
const roundDegrees = (v: number | null) => (v === null ? null : Math.round(v * 1e6) / 1e6);

/** The fields of a store after a patch: undefined keeps a field, null clears it; pairs stay pairs. */
function placeFields(current: Partial<StorePlace>, patch: StorePatch) {
  const pick = <K extends keyof StorePatch>(k: K) =>
    (patch[k] === undefined ? (current[k as keyof StorePlace] ?? null) : patch[k]) as Exclude<
      StorePatch[K],
      undefined
    > | null;
  const next = {
    address: pick('address'),
    latitude: roundDegrees(pick('latitude')),
    longitude: roundDegrees(pick('longitude')),
    hoursText: pick('hoursText'),
    opensAt: pick('opensAt'),
    closesAt: pick('closesAt'),
    phone: pick('phone'),
  };
  const problems = [];
  if ((next.latitude === null) !== (next.longitude === null))
    problems.push({ field: 'latitude', message: 'latitude and longitude go together' });
  if ((next.opensAt === null) !== (next.closesAt === null))
    problems.push({ field: 'opensAt', message: 'opensAt and closesAt go together' });
  if (next.opensAt !== null && next.opensAt === next.closesAt)
    problems.push({ field: 'closesAt', message: 'closesAt must differ from opensAt' });
  if (problems.length) throw validationFailed(problems);
  return next;
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
    const merchant = isId(merchantId) ? await this.merchants.findOneBy({ id: merchantId, allianceId }) : null;
    if (!merchant) throw notFound('商户');
    return merchant;
  }

  async getStore(allianceId: string, merchantId: string, storeId: string): Promise<Store> {
    const store = isId(storeId) ? await this.stores.findOneBy({ id: storeId, allianceId, merchantId }) : null;
    if (!store) throw notFound('门店');
    return store;
  }

  create(
    allianceId: string,
    input: { name: string; description?: string; stores?: (string | StoreInput)[] },
  ): Promise<Merchant> {
    return this.tx.run((em) => this.createIn(em, allianceId, input));
  }

  /** A merchant and its stores (a merchant without stores gets one of its own name). */
  async createIn(
    em: EntityManager,
    allianceId: string,
    input: { name: string; description?: string; stores?: (string | StoreInput)[] },
  ): Promise<Merchant> {
    const now = new Date();
    const merchant = await em.save(
      em.create(Merchant, {
        allianceId,
        name: input.name,
        description: input.description ?? null,
        logoUrl: null,
        createdAt: now,
      }),
    );
    const stores = (input.stores?.length ? input.stores : [input.name]).map((s) =>
      typeof s === 'string' ? { name: s } : s,
    );
    await em.save(
      stores.map((store) =>
        em.create(Store, {
          allianceId,
          merchantId: merchant.id,
          name: store.name,
          ...placeFields({}, store),
          createdAt: now,
        }),
      ),
    );
    return merchant;
  }

  /** A new store of a merchant of this alliance (another alliance's merchant reads as not found). */
  /** The merchant's logo: an image uploaded with POST /admin/uploads, or null to remove it. */
  async setLogo(allianceId: string, merchantId: string, logoUrl: string | null): Promise<Merchant> {
    const merchant = await this.get(allianceId, merchantId);
    await this.tx.run((em) => em.update(Merchant, { id: merchant.id }, { logoUrl }));
    return { ...merchant, logoUrl };
  }

  async addStore(allianceId: string, merchantId: string, input: StoreInput): Promise<Store> {
    const fields = placeFields({}, input);
    // Merchants are never deleted: checking outside the transaction is enough.
    await this.get(allianceId, merchantId);
    return this.tx.run(async (em) =>
      em.save(
        em.create(Store, { allianceId, merchantId, name: input.name, ...fields, createdAt: new Date() }),
      ),
    );
  }

  /** Changes a store's name, place, hours or phone; omitted fields stay, null clears them. */
  async updateStore(allianceId: string, merchantId: string, storeId: string, patch: StorePatch) {
    return this.tx.run(async (em) => {
      const store = isId(storeId) ? await em.findOneBy(Store, { id: storeId, allianceId, merchantId }) : null;
      if (!store) throw notFound('门店');
      const next = { ...placeFields(store, patch), ...(patch.name !== undefined && { name: patch.name }) };
      await em.update(Store, { id: store.id, allianceId, merchantId }, next);
      return (await em.findOneBy(Store, { id: store.id }))!;
    });
  }

  /** Every store of the alliance, in one query. */
  listAllStores(allianceId: string): Promise<Store[]> {
    return this.stores.find({ where: { allianceId }, order: { id: 'ASC' } });
  }

  listStores(allianceId: string, merchantId: string): Promise<Store[]> {
    return this.stores.find({ where: { allianceId, merchantId }, order: { id: 'ASC' } });
  }
}
