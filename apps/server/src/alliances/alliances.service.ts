import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DEFAULT_TIERS, TierRule } from '@allycard/domain';
import { EntityManager, Repository } from 'typeorm';
import { notFound } from '../common/errors';
import { forgetRead, readOnce } from '../common/transactions';
import { Alliance } from './alliance.entity';
import { Tier } from './tier.entity';

@Injectable()
export class AlliancesService {
  constructor(
    @InjectRepository(Alliance) private readonly alliances: Repository<Alliance>,
    @InjectRepository(Tier) private readonly tierRows: Repository<Tier>,
  ) {}

  /**
   * The alliance this deployment serves when a request names none (a join without a scene, a
   * WeChat login): the first one created. Multi-alliance deployments route by scene.
   */
  async defaultAlliance(): Promise<Alliance> {
    const [first] = await this.alliances.find({ order: { id: 'ASC' }, take: 1 });
    if (!first) throw notFound('联盟');
    return first;
  }

  async findAll(em?: EntityManager): Promise<Alliance[]> {
    return (em ? em.getRepository(Alliance) : this.alliances).find({ order: { id: 'ASC' } });
  }

  /**
   * Holds the alliance's row until the caller's transaction ends, so alliance-wide checks that
   * must see each other's writes (overlapping promotions) run one after the other. SQLite runs
   * one writing transaction at a time already.
   */
  async lockIn(em: EntityManager, allianceId: string): Promise<void> {
    if (em.connection.options.type === 'better-sqlite3') return;
    await em
      .createQueryBuilder(Alliance, 'a')
      .select('a.id')
      .where('a.id = :id', { id: allianceId })
      .setLock('pessimistic_write')
      .getOne();
  }

  async get(id: string): Promise<Alliance> {
    const alliance = await this.alliances.findOneBy({ id });
    if (!alliance) throw notFound('联盟');
    return alliance;
  }

  /** A new alliance with the default tier ladder, in the caller's transaction. */
  async create(em: EntityManager, name: string, cardTitle = '联盟会员卡'): Promise<Alliance> {
    const alliance = await em.save(em.create(Alliance, { name, cardTitle, createdAt: new Date() }));
    await em.save(DEFAULT_TIERS.map((t) => em.create(Tier, { ...t, allianceId: alliance.id })));
    return alliance;
  }

  /** The alliance's tier ladder, lowest first (pass the transaction's manager inside one). */
  async tiers(allianceId: string, em?: EntityManager): Promise<TierRule[]> {
    const rows = await readOnce(em, tiersKey(allianceId), () =>
      (em ? em.getRepository(Tier) : this.tierRows).find({
        where: { allianceId },
        order: { minSpendFen: 'ASC' },
      }),
    );
    // the rules only: the rows' ids are the table's business
    return rows.map(({ code, name, minSpendFen, discountPermille, pointsMultiplierPermille }) => ({
      code,
      name,
      minSpendFen,
      discountPermille,
      pointsMultiplierPermille,
    }));
  }

  /** Replaces the alliance's ladder, in the caller's transaction (members move by points/' review). */
  async replaceTiers(em: EntityManager, allianceId: string, ladder: TierRule[]): Promise<void> {
    await em.delete(Tier, { allianceId });
    await em.insert(
      Tier,
      ladder.map((t) => ({ ...t, allianceId })),
    );
    forgetRead(em, tiersKey(allianceId));
  }

  async baseTier(allianceId: string): Promise<TierRule> {
    const [base] = await this.tiers(allianceId);
    if (!base) throw notFound('会员等级');
    return base;
  }
}

const tiersKey = (allianceId: string) => `tiers:${allianceId}`;
