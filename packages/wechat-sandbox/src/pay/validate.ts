import { v3Failure, type V3Failure } from './v3';

/**
 * Field checks that fail the way WeChat's APIv3 gateway does: 400 PARAM_ERROR naming the input
 * source (/body/amount/total, /query/mchid) and the rule that failed.
 */
export class ParamChecker {
  constructor(private readonly location: 'body' | 'query' | 'uri_template') {}

  private fail(path: string, label: string, rule: string, value: unknown): V3Failure {
    return v3Failure(400, 'PARAM_ERROR', `输入源“/${this.location}${path}”映射到字段“${label}”${rule}`, {
      field: path,
      location: this.location,
      ...(value !== undefined ? { value } : {}),
    });
  }

  required(path: string, label: string): V3Failure {
    return this.fail(path, label, '必填性规则校验失败，此字段为必填项', undefined);
  }

  /** A string of minLength..maxLength characters matching pattern, or a failure. */
  string(
    value: unknown,
    path: string,
    label: string,
    opts: { min?: number; max: number; pattern?: RegExp; optional?: boolean },
  ): V3Failure | null {
    if (value === undefined || value === null) return opts.optional ? null : this.required(path, label);
    if (typeof value !== 'string') return this.fail(path, label, '类型校验失败，应为字符串', value);
    const length = [...value].length;
    if (length < (opts.min ?? 1) || length > opts.max) {
      return this.fail(path, label, `长度校验失败，长度应为${opts.min ?? 1}~${opts.max}`, value);
    }
    if (opts.pattern && !opts.pattern.test(value)) return this.fail(path, label, '格式校验失败', value);
    return null;
  }

  /** A positive integer (at most 2^31 - 1, WeChat's int), or a failure. */
  positiveInteger(value: unknown, path: string, label: string): V3Failure | null {
    if (value === undefined || value === null) return this.required(path, label);
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      return this.fail(path, label, '类型校验失败，应为整数', value);
    }
    if (value < 1 || value > 2_147_483_647) return this.fail(path, label, '取值范围校验失败', value);
    return null;
  }

  object(value: unknown, path: string, label: string, optional = false): V3Failure | null {
    if (value === undefined || value === null) return optional ? null : this.required(path, label);
    if (typeof value !== 'object' || Array.isArray(value))
      return this.fail(path, label, '类型校验失败，应为对象', value);
    return null;
  }

  boolean(value: unknown, path: string, label: string): V3Failure | null {
    if (value === undefined || value === null || typeof value === 'boolean') return null;
    return this.fail(path, label, '类型校验失败，应为布尔值', value);
  }

  /** Only CNY is accepted; absent means CNY where WeChat allows it to be absent. */
  currency(value: unknown, path: string, optional: boolean): V3Failure | null {
    if (value === undefined || value === null) return optional ? null : this.required(path, '货币类型');
    if (value !== 'CNY')
      return this.fail(path, '货币类型', '取值校验失败，境内商户号仅支持人民币 CNY', value);
    return null;
  }

  custom(path: string, label: string, rule: string, value: unknown): V3Failure {
    return this.fail(path, label, rule, value);
  }
}

/** The JSON object body of an APIv3 request, or the PARAM_ERROR for anything else. */
export function parseJsonObject(raw: string): Record<string, unknown> | V3Failure {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return v3Failure(400, 'PARAM_ERROR', '请求体无法解析，应为JSON对象', { location: 'body' });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return v3Failure(400, 'PARAM_ERROR', '请求体应为JSON对象', { location: 'body' });
  }
  return parsed as Record<string, unknown>;
}

/** The first failure of a list of checks, if any. */
export function firstFailure(...checks: (V3Failure | null)[]): V3Failure | null {
  return checks.find((check) => check !== null) ?? null;
}

/** RFC 3339 with seconds and an offset, as time_expire must be. */
export const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?([+-]\d{2}:\d{2}|Z)$/;
/** out_trade_no: 6-32 of digits, letters, _ - | *. */
export const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/;
/** out_refund_no: 1-64 of digits, letters, _ - | * @. */
export const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;
