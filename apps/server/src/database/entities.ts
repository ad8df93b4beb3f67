import { Alliance } from '../alliances/alliance.entity';
import { Tier } from '../alliances/tier.entity';
import { Member } from '../members/member.entity';
import { Merchant } from '../merchants/merchant.entity';
import { Store } from '../merchants/store.entity';
import { QrCode } from '../qrcodes/qrcode.entity';
import { StaffAccount } from '../staff/staff-account.entity';

export const entities = [Alliance, Tier, Merchant, Store, StaffAccount, QrCode, Member];
