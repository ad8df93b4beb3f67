import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../common/config';
import { TransactionRunner } from '../common/transactions';
import { AlliancesService } from '../alliances/alliances.service';
import { MerchantsService } from '../merchants/merchants.service';
import { QrCodesService } from '../qrcodes/qrcodes.service';
import { StaffService } from '../staff/staff.service';
import { DemoMerchant, DemoSeedService } from './demo-seed.service';

/**
 * The demo alliance of `pnpm start`: three merchants around People's Square in Shanghai (GCJ-02
 * coordinates, as 高德 shows them), a clerk and a QR code each.
 */
export const DEMO = {
  alliance: '示例商圈联盟',
  merchants: [
    {
      name: '街角咖啡',
      description: '手冲咖啡与轻食',
      stores: [
        {
          name: '街角咖啡·人民路店',
          address: '上海市黄浦区人民路 328 号',
          latitude: 31.229546,
          longitude: 121.488167,
          hoursText: '07:30–21:00',
          opensAt: '07:30',
          closesAt: '21:00',
          phone: '021-63281186',
        },
        {
          name: '街角咖啡·南京西路店',
          address: '上海市静安区南京西路 1038 号 1 楼',
          latitude: 31.229912,
          longitude: 121.458046,
          hoursText: '08:00–22:00',
          opensAt: '08:00',
          closesAt: '22:00',
          phone: '021-62170532',
        },
      ],
      clerk: 'coffee',
      scene: 'demo-coffee',
    },
    {
      name: '麦香烘焙',
      description: '现烤面包与蛋糕',
      stores: [
        {
          name: '麦香烘焙·中山路店',
          address: '上海市黄浦区中山东二路 88 号',
          latitude: 31.233471,
          longitude: 121.494317,
          hoursText: '08:00–20:30',
          opensAt: '08:00',
          closesAt: '20:30',
          phone: '021-63305518',
        },
      ],
      clerk: 'bakery',
      scene: 'demo-bakery',
    },
    {
      name: '知行书店',
      description: '图书、文具与咖啡角',
      stores: [
        {
          name: '知行书店·文化街店',
          address: '上海市黄浦区福州路 401 号',
          latitude: 31.235286,
          longitude: 121.480733,
          hoursText: '周一至周四 09:30–21:00，周五至周日 09:30–22:00',
          opensAt: null,
          closesAt: null,
          phone: '021-63517744',
        },
      ],
      clerk: 'books',
      scene: 'demo-books',
    },
  ],
  clerkPassword: 'clerk123',
} as const;

/**
 * On start: makes sure there is an alliance and its admin (ADMIN_USERNAME / ADMIN_PASSWORD), and
 * seeds the demo alliance on an empty database when SEED_DEMO is on.
 */
@Injectable()
export class BootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Bootstrap');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly alliances: AlliancesService,
    private readonly merchants: MerchantsService,
    private readonly staff: StaffService,
    private readonly qrcodes: QrCodesService,
    private readonly demo: DemoSeedService,
    private readonly tx: TransactionRunner,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const seeded = await this.tx.run(async (em) => {
      const existing = await this.alliances.findAll(em);
      const fresh = existing.length === 0;
      const alliance = fresh
        ? await this.alliances.create(em, this.config.seedDemo ? DEMO.alliance : '我的联盟')
        : existing[0];
      // The account as stored (its username trimmed; found by its normalised spelling).
      const admin = await this.staff.ensureAllianceAdmin(
        em,
        alliance.id,
        this.config.admin.username,
        this.config.admin.password,
      );
      if (!fresh || !this.config.seedDemo) return null;
      const seededMerchants: DemoMerchant[] = [];
      for (const m of DEMO.merchants) {
        const merchant = await this.merchants.createIn(em, alliance.id, {
          name: m.name,
          description: m.description,
          stores: m.stores.map((s) => ({ ...s })),
        });
        const clerk = await this.staff.createAccount(em, {
          allianceId: alliance.id,
          merchantId: merchant.id,
          username: m.clerk,
          password: DEMO.clerkPassword,
          role: 'clerk',
        });
        await this.qrcodes.saveScene(em, alliance.id, m.scene, { merchantId: merchant.id });
        seededMerchants.push({ id: merchant.id, name: merchant.name, clerkId: clerk.id });
      }
      return { allianceId: alliance.id, adminId: admin.id, merchants: seededMerchants };
    });
    if (seeded) {
      // Offers, mall and a little activity go through the real services, each in its own transaction.
      await this.demo.seed(seeded.allianceId, seeded.adminId, seeded.merchants);
      // Names only: no password goes to the log.
      const url = this.config.publicUrl;
      this.logger.log(
        [
          `Seeded the demo alliance ${DEMO.alliance}.`,
          `  alliance admin: ${this.config.admin.username} (password: ADMIN_PASSWORD; the README has the demo passwords)`,
          ...DEMO.merchants.map(
            (m) => `  ${m.name}: clerk ${m.clerk}, scan link ${url}/#/pages/join/index?scene=${m.scene}`,
          ),
        ].join('\n'),
      );
    }
  }
}
