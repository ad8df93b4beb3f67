import type { Rng } from './prng';

type Path = (string | number)[];

const DEPTH = 2000;
/** Stands for 2,000 nested arrays until the body is serialised (a value JSON.stringify would not make). */
const DEEP = '\u0000deep-nesting\u0000';
const DROP = Symbol('drop');

/** What a field can hold instead of what the schema says; `key` is the field's name. */
const FIELD_MUTATIONS: Record<
  string,
  (rng: Rng, value: unknown, key: string | number | undefined) => unknown
> = {
  drop: () => DROP,
  null: () => null,
  emptyArray: () => [],
  emptyObject: () => ({}),
  wrongType: (rng, value) =>
    typeof value === 'string'
      ? rng.pick([0, 1, -1, 12.5, true, false])
      : typeof value === 'number'
        ? rng.pick(['12', 'abc', '', true, false])
        : typeof value === 'boolean'
          ? rng.pick(['true', 'false', 1, 0, 'yes'])
          : rng.pick(['x', 1, true]),
  hugeString: (rng) => rng.pick(['x', '汉', '😀']).repeat(rng.pick([65, 256, 1025, 20_000, 100_000])),
  hugeNumber: (rng) =>
    rng.pick([1e300, -1e300, 2 ** 63, -(2 ** 63), 2 ** 53 + 2, 2 ** 31, -(2 ** 31) - 1, 1e-300]),
  money: (rng) => rng.pick([-1, -100, -0.01, 0.5, 12.34, 0, 99.999]),
  numericString: (rng) => rng.pick(['1e3', '0x10', ' 12 ', 'NaN', 'Infinity', '-1', '1.5', '00012']),
  unicode: (rng) =>
    rng.pick([
      '😀🎉👨‍👩‍👧',
      'a\u0000b',
      '\u0000',
      '\u202etxet',
      'e\u0301\u0301\u0301',
      '\ud800',
      ' ',
      '',
      '   padded   ',
      '<script>alert(1)</script>',
      "' OR 1=1 --",
      '%s%n%x',
      '\\',
      'ＡＤＭＩＮ',
      '\r\n\t',
    ]),
  badDate: (rng) =>
    rng.pick([
      'yesterday',
      '2026-02-30',
      '0000-00-00',
      '9999-12-31T23:59:59Z',
      '1990-13-45',
      '2026-01-01T25:00:00Z',
      '-000001-01-01T00:00:00Z',
      '+275760-09-13T00:00:00.000Z',
      '2026-01-01T00:00:00+99:00',
    ]),
  deepNesting: () => DEEP,
  // copies of a small value only, so mutations stacked on one body stay bounded
  manyItems: (rng, value) =>
    new Array(rng.pick([100, 1000])).fill((JSON.stringify(value) ?? '').length <= 200 ? value : 'x'),
  wrapped: (_rng, value) => [value],
  operatorObject: (rng, value) => rng.pick<unknown>([{ $ne: value ?? 1 }, { $gt: '' }, { toString: 'x' }]),
};

/** Odd keys a client might add: unknown, privileged, or the prototype's own names. */
const EXTRA_KEYS = [
  'isAdmin',
  'allianceId',
  'id',
  'memberId',
  'status',
  'constructor',
  '__proto__',
  'x'.repeat(300),
];

/** Whole bodies that are not the object the route expects. */
const RAW_BODIES: ((rng: Rng) => string)[] = [
  () => '{"broken":',
  () => '',
  () => 'null',
  () => '[]',
  () => '"text"',
  () => '42',
  () => 'true',
  () => '['.repeat(DEPTH) + ']'.repeat(DEPTH),
  () => '{"a":'.repeat(DEPTH) + '1' + '}'.repeat(DEPTH),
  () => `{"x":${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}}`,
  () => '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}',
  (rng) => `{"a":"${'x'.repeat(rng.pick([64 * 1024, 200_000]))}"}`,
  () => '\ufeff{}',
  () => '{"a":1}{"b":2}',
  () => '{"a":NaN,"b":Infinity}',
];

export interface Mutated {
  raw: string | undefined;
  /** what was done, for the failure report */
  label: string;
}

/** The body as sent: `undefined` means no body at all. */
export function serialise(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return JSON.stringify(value)
    .split(JSON.stringify(DEEP))
    .join('['.repeat(DEPTH) + ']'.repeat(DEPTH));
}

/** A mutation of `valid`: a few field-level changes, or (sometimes) a whole raw body. */
export function mutate(rng: Rng, valid: unknown): Mutated {
  if (rng.chance(0.12)) {
    const i = rng.int(RAW_BODIES.length);
    return { raw: RAW_BODIES[i](rng), label: `raw body #${i}` };
  }
  let body = structuredClone(valid);
  const labels: string[] = [];
  const count = rng.pick([1, 1, 1, 2, 2, 3]);
  for (let n = 0; n < count; n++) {
    if (rng.chance(0.15)) {
      body = addExtraKey(rng, body, labels);
      continue;
    }
    const paths = pathsOf(body);
    const path = rng.pick(paths.length > 1 ? paths.slice(1) : paths);
    const name = rng.pick(Object.keys(FIELD_MUTATIONS));
    const replacement = FIELD_MUTATIONS[name](rng, getAt(body, path), path[path.length - 1]);
    body = setAt(body, path, replacement);
    labels.push(`${name}@${path.join('.') || '(body)'}`);
  }
  if (rng.chance(0.05)) {
    // The same key twice: JSON.parse keeps the last, a hand-written parser might keep the first.
    const text = serialise(body) ?? '{}';
    if (text.startsWith('{"')) {
      const key = text.slice(2, text.indexOf('"', 2));
      labels.push(`duplicate key ${key}`);
      return {
        raw: `${text.slice(0, -1)}${text.length > 2 ? ',' : ''}"${key}":[]}`,
        label: labels.join(', '),
      };
    }
  }
  return { raw: serialise(body), label: labels.join(', ') };
}

function addExtraKey(rng: Rng, body: unknown, labels: string[]): unknown {
  const objects = pathsOf(body).filter((p) => isObject(getAt(body, p)));
  if (!objects.length) return body;
  const path = rng.pick(objects);
  const target = getAt(body, path) as Record<string, unknown>;
  const key = rng.pick(EXTRA_KEYS);
  // defineProperty, so `__proto__` becomes an own, serialised key rather than the prototype
  Object.defineProperty(target, key, {
    value: rng.pick([true, 1, 'x', {}]),
    enumerable: true,
    writable: true,
    configurable: true,
  });
  labels.push(`extra ${key.slice(0, 20)}@${path.join('.') || '(body)'}`);
  return body;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const children =
    Array.isArray(value) && value.length <= 10
      ? value.flatMap((v, i) => pathsOf(v, [...prefix, i]))
      : isObject(value)
        ? Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k]))
        : [];
  return [prefix, ...children];
}

function getAt(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown> | undefined)?.[k], root);
}

function setAt(root: unknown, path: Path, replacement: unknown): unknown {
  if (!path.length) return replacement === DROP ? undefined : replacement;
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, unknown>;
  const key = path[path.length - 1];
  if (replacement !== DROP) parent[key] = replacement;
  else if (Array.isArray(parent)) parent.splice(key as number, 1);
  else delete parent[key];
  return root;
}
