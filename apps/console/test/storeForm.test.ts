import {
  parseCoordinates,
  storeBody,
  storeFormField,
  storeFormValues,
} from '../src/pages/merchants/storeForm';

describe('store form', () => {
  it('reads coordinates in either order, as typed or as 高德 copies them', () => {
    expect(parseCoordinates('31.229546, 121.488167')).toEqual({ latitude: 31.229546, longitude: 121.488167 });
    expect(parseCoordinates('121.488167,31.229546')).toEqual({ latitude: 31.229546, longitude: 121.488167 });
    expect(parseCoordinates(' 31.2 ，121.4 ')).toEqual({ latitude: 31.2, longitude: 121.4 });
    expect(parseCoordinates('31.2 121.4')).toEqual({ latitude: 31.2, longitude: 121.4 });
    expect(parseCoordinates('-33.8688, 151.2093')).toEqual({ latitude: -33.8688, longitude: 151.2093 });
    for (const bad of [
      '',
      '31.2',
      '31.2, 121.4, 5',
      '北纬31, 东经121',
      '95, 200',
      '31.2, 181',
      '1e2, 3',
      '31.2,',
    ])
      expect(parseCoordinates(bad)).toBeNull();
  });

  it('sends trimmed text and clears what was emptied', () => {
    expect(
      storeBody({
        name: ' 人民路店 ',
        address: ' 上海市黄浦区人民路 328 号 ',
        coordinates: '121.488167,31.229546',
        hoursText: '07:30–21:00',
        opensAt: '07:30',
        closesAt: '21:00',
        phone: ' 021-63281186 ',
      }),
    ).toEqual({
      name: '人民路店',
      address: '上海市黄浦区人民路 328 号',
      latitude: 31.229546,
      longitude: 121.488167,
      hoursText: '07:30–21:00',
      opensAt: '07:30',
      closesAt: '21:00',
      phone: '021-63281186',
    });
    expect(storeBody({ name: '店', address: '  ', coordinates: '', phone: '' })).toEqual({
      name: '店',
      address: null,
      latitude: null,
      longitude: null,
      hoursText: null,
      opensAt: null,
      closesAt: null,
      phone: null,
    });
  });

  it('shows a stored store in the form and puts the server’s coordinate errors on the one field', () => {
    const store = {
      id: '4',
      name: '店',
      address: null,
      latitude: 31.2,
      longitude: 121.4,
      hoursText: '08:00–21:00',
      opensAt: null,
      closesAt: null,
      phone: null,
    };
    expect(storeFormValues(store)).toEqual({
      name: '店',
      address: '',
      coordinates: '31.2, 121.4',
      hoursText: '08:00–21:00',
      opensAt: '',
      closesAt: '',
      phone: '',
    });
    const { id: _id, ...fields } = store;
    expect(storeBody(storeFormValues(store))).toEqual(fields);
    expect(storeFormField('latitude')).toBe('coordinates');
    expect(storeFormField('longitude')).toBe('coordinates');
    expect(storeFormField('phone')).toBe('phone');
  });
});
