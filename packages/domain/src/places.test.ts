import fc from 'fast-check';
import {
  isOpenAt,
  cardBenefitsAt,
  describeEarnRate,
  distanceMetres,
  formatDistance,
  sortByDistance,
  wgs84ToGcj02,
} from './places';

const peoplesSquare = { latitude: 31.2304, longitude: 121.4737 };
const lujiazui = { latitude: 31.2397, longitude: 121.4998 };
const latLng = fc.record({
  latitude: fc.double({ min: -90, max: 90, noNaN: true }),
  longitude: fc.double({ min: -180, max: 180, noNaN: true }),
});

describe('distanceMetres', () => {
  it('measures known distances', () => {
    // People's Square to Lujiazui: about 2.67 km as the crow flies.
    expect(distanceMetres(peoplesSquare, lujiazui)).toBeGreaterThan(2600);
    expect(distanceMetres(peoplesSquare, lujiazui)).toBeLessThan(2750);
    // Shanghai to Beijing (Tiananmen): about 1,067 km.
    const beijing = { latitude: 39.9042, longitude: 116.4074 };
    expect(Math.round(distanceMetres(peoplesSquare, beijing) / 1000)).toBeGreaterThanOrEqual(1060);
    expect(Math.round(distanceMetres(peoplesSquare, beijing) / 1000)).toBeLessThanOrEqual(1075);
    // One degree of latitude is about 111.2 km everywhere.
    expect(distanceMetres({ latitude: 0, longitude: 0 }, { latitude: 1, longitude: 0 })).toBe(111_195);
    // Antipodes: half the circumference.
    expect(distanceMetres({ latitude: 0, longitude: 0 }, { latitude: 0, longitude: 180 })).toBe(20_015_114);
  });

  it('is zero to itself, symmetric and obeys the triangle inequality', () => {
    fc.assert(
      fc.property(latLng, latLng, latLng, (a, b, c) => {
        expect(distanceMetres(a, a)).toBe(0);
        expect(distanceMetres(a, b)).toBe(distanceMetres(b, a));
        expect(distanceMetres(a, c)).toBeLessThanOrEqual(distanceMetres(a, b) + distanceMetres(b, c) + 2);
        expect(distanceMetres(a, b)).toBeLessThanOrEqual(20_015_114);
      }),
    );
  });

  it('refuses coordinates out of range', () => {
    expect(() => distanceMetres({ latitude: 91, longitude: 0 }, peoplesSquare)).toThrow();
    expect(() => distanceMetres(peoplesSquare, { latitude: 0, longitude: -181 })).toThrow();
    expect(() => distanceMetres(peoplesSquare, { latitude: NaN, longitude: 0 })).toThrow();
  });
});

describe('formatDistance', () => {
  it('shows metres below 1 km, one decimal below 10 km, whole km beyond', () => {
    expect(formatDistance(0)).toBe('0m');
    expect(formatDistance(80)).toBe('80m');
    expect(formatDistance(999)).toBe('999m');
    expect(formatDistance(1000)).toBe('1.0km');
    expect(formatDistance(1299)).toBe('1.2km');
    expect(formatDistance(9999)).toBe('9.9km');
    expect(formatDistance(25_400)).toBe('25km');
    expect(() => formatDistance(-1)).toThrow();
  });
});

describe('sortByDistance', () => {
  it('puts the nearest first and places without coordinates last, in their order', () => {
    const places = [
      { name: 'far', latitude: 31.3, longitude: 121.5 },
      { name: 'unknown1', latitude: null, longitude: null },
      { name: 'near', latitude: 31.231, longitude: 121.474 },
      { name: 'unknown2', latitude: null, longitude: null },
      { name: 'middle', latitude: lujiazui.latitude, longitude: lujiazui.longitude },
    ];
    const sorted = sortByDistance(places, peoplesSquare);
    expect(sorted.map((s) => s.place.name)).toEqual(['near', 'middle', 'far', 'unknown1', 'unknown2']);
    expect(sorted[0].distanceMetres).toBeLessThan(200);
    expect(sorted[3].distanceMetres).toBeNull();
  });

  it('is ordered by distance for any places', () => {
    fc.assert(
      fc.property(fc.array(latLng, { maxLength: 20 }), latLng, (points, from) => {
        const sorted = sortByDistance(points, from).map((s) => s.distanceMetres!);
        for (let i = 1; i < sorted.length; i++) expect(sorted[i]).toBeGreaterThanOrEqual(sorted[i - 1]);
        expect(sorted).toHaveLength(points.length);
      }),
    );
  });
});

describe('cardBenefitsAt', () => {
  const coupon = (id: string, over: Record<string, unknown>) => ({
    id,
    title: `券${id}`,
    kind: 'amount' as const,
    valueFen: 500,
    discountPermille: null,
    maxDiscountFen: null,
    thresholdFen: 0,
    usableAt: 'alliance' as const,
    merchantIds: [] as string[],
    ...over,
  });
  const base = { name: '普通会员', discountPermille: 1000, pointsMultiplierPermille: 1000 };

  it('counts the coupons usable at the merchant and picks the one worth most', () => {
    const held = [
      coupon('h1', { valueFen: 300 }),
      coupon('h2', { usableAt: 'merchant', merchantIds: ['9'], kind: 'no_threshold', valueFen: 5000 }),
    ];
    const claimable = [
      coupon('c1', {
        usableAt: 'merchant',
        merchantIds: ['7'],
        kind: 'discount',
        valueFen: null,
        discountPermille: 800,
      }),
      coupon('c2', { usableAt: 'merchant', merchantIds: ['7', '8'], thresholdFen: 20_000, valueFen: 3000 }),
    ];
    const at7 = cardBenefitsAt('7', { held, claimable, tier: base, earnFenPerPoint: 100 });
    expect(at7.coupons).toEqual({
      held: 1,
      claimable: 2,
      // 20% off ¥100 = ¥20 < ¥30 off at its ¥200 threshold
      best: { id: 'c2', title: '券c2', text: '满200减30', held: false },
    });
    const at9 = cardBenefitsAt('9', { held, claimable, tier: base, earnFenPerPoint: 100 });
    expect(at9.coupons).toEqual({
      held: 2,
      claimable: 0,
      best: { id: 'h2', title: '券h2', text: '无门槛减50元', held: true },
    });
    const at1 = cardBenefitsAt('1', { held: [], claimable, tier: base, earnFenPerPoint: 100 });
    expect(at1.coupons).toEqual({ held: 0, claimable: 0, best: null });
  });

  it('prefers a held coupon to a claimable one worth the same', () => {
    const same = { valueFen: 800 };
    const result = cardBenefitsAt('1', {
      held: [coupon('h', same)],
      claimable: [coupon('c', same)],
      tier: base,
      earnFenPerPoint: 100,
    });
    expect(result.coupons.best?.id).toBe('h');
  });

  it('gives the tier price and earn rate of the member’s tier', () => {
    const gold = { name: '金卡', discountPermille: 950, pointsMultiplierPermille: 1500 };
    const result = cardBenefitsAt('1', { held: [], claimable: [], tier: gold, earnFenPerPoint: 100 });
    expect(result.memberPrice).toEqual({ tierName: '金卡', discountPermille: 950, text: '金卡9.5折' });
    expect(result.points).toEqual({
      earnFenPerPoint: 100,
      multiplierPermille: 1500,
      text: '每消费¥1得1.5积分',
    });
    expect(
      cardBenefitsAt('1', { held: [], claimable: [], tier: base, earnFenPerPoint: 100 }).memberPrice,
    ).toBeNull();
  });

  it('describes earn rates', () => {
    expect(describeEarnRate(100, 1000)).toBe('每消费¥1得1积分');
    expect(describeEarnRate(250, 1000)).toBe('每消费¥2.5得1积分');
    expect(describeEarnRate(1000, 2000)).toBe('每消费¥10得2积分');
    expect(describeEarnRate(1, 1200)).toBe('每消费¥0.01得1.2积分');
    expect(() => describeEarnRate(0, 1000)).toThrow();
  });
});

describe('wgs84ToGcj02', () => {
  it('shifts a GPS fix in Shanghai by the national offset, a few hundred metres south-east', () => {
    // People's Square by GPS; 高德 shows the same spot about 0.0019° south and 0.0045° east.
    const gcj = wgs84ToGcj02({ latitude: 31.2304, longitude: 121.4737 });
    expect(gcj.latitude - 31.2304).toBeCloseTo(-0.0019, 3);
    expect(gcj.longitude - 121.4737).toBeCloseTo(0.0045, 3);
    const shift = distanceMetres({ latitude: 31.2304, longitude: 121.4737 }, gcj);
    expect(shift).toBeGreaterThan(400);
    expect(shift).toBeLessThan(600);
  });

  it('leaves places outside mainland China as they are', () => {
    const london = { latitude: 51.5074, longitude: -0.1278 };
    expect(wgs84ToGcj02(london)).toEqual(london);
  });
});

describe('isOpenAt', () => {
  const at = (hhmm: string) => new Date(`2026-12-07T${hhmm}:00+08:00`);
  const day = { opensAt: '08:00', closesAt: '21:30' };
  const night = { opensAt: '18:00', closesAt: '02:00' };

  it('is open from the opening minute up to, not at, the closing minute (Shanghai time)', () => {
    expect(isOpenAt(day, at('07:59'))).toBe(false);
    expect(isOpenAt(day, at('08:00'))).toBe(true);
    expect(isOpenAt(day, at('21:29'))).toBe(true);
    expect(isOpenAt(day, at('21:30'))).toBe(false);
    // 00:30 UTC is 08:30 in Shanghai
    expect(isOpenAt(day, new Date('2026-12-07T00:30:00Z'))).toBe(true);
  });

  it('wraps hours past midnight', () => {
    expect(isOpenAt(night, at('17:59'))).toBe(false);
    expect(isOpenAt(night, at('23:00'))).toBe(true);
    expect(isOpenAt(night, at('01:59'))).toBe(true);
    expect(isOpenAt(night, at('02:00'))).toBe(false);
  });

  it('says nothing without both times', () => {
    expect(isOpenAt({ opensAt: null, closesAt: '20:00' }, at('12:00'))).toBeNull();
    expect(isOpenAt({ opensAt: '09:00', closesAt: null }, at('12:00'))).toBeNull();
    expect(isOpenAt({ opensAt: '09:00', closesAt: '09:00' }, at('12:00'))).toBeNull();
  });

  it('is open for exactly the minutes between opening and closing, on any day', () => {
    const hhmm = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }));
    const text = ([h, m]: [number, number]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
    fc.assert(
      fc.property(hhmm, hhmm, fc.integer({ min: 0, max: 1439 }), (o, c, minute) => {
        fc.pre(text(o) !== text(c));
        const store = { opensAt: text(o), closesAt: text(c) };
        const when = new Date(Date.UTC(2026, 11, 7, 0, minute) - 8 * 3600_000);
        const open = (o[0] * 60 + o[1]) % 1440;
        const close = (c[0] * 60 + c[1]) % 1440;
        const minutesSinceOpening = (minute - open + 1440) % 1440;
        expect(isOpenAt(store, when)).toBe(minutesSinceOpening < (close - open + 1440) % 1440);
      }),
    );
  });
});
