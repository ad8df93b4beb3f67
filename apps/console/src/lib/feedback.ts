import { ApiError, type FieldError } from '@allycard/contracts';
import type { FormInstance } from 'antd';
import type { MessageInstance } from 'antd/es/message/interface';
import { SESSION_ENDED } from '../api/client';

// The message API of antd's <App>, so toasts follow the ConfigProvider (theme, locale).
let messageApi: MessageInstance | null = null;
export function bindMessageApi(api: MessageInstance): void {
  messageApi = api;
}
export const toast = {
  success: (text: string) => messageApi?.success(text),
  error: (text: string) => messageApi?.error(text),
};

type NamePath = (string | number)[];

/** The server's field paths ("issuer.merchantId", "tiers.0.code") as antd form name paths. */
export function toNamePath(field: string): NamePath {
  return field.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

// class-validator's English sentences, in the console's language; anything else is shown as sent.
const PHRASES: [RegExp, string][] = [
  [/must not be less than (\S+)/, '不能小于 $1'],
  [/must not be greater than (\S+)/, '不能大于 $1'],
  [/should not be empty/, '不能为空'],
  [/must be an integer number/, '须为整数'],
  [/must be shorter than or equal to (\d+) characters/, '不能超过 $1 个字'],
  [/must be longer than or equal to (\d+) characters/, '至少 $1 个字'],
  [/^required.*/, '必填'],
  [/^taken$/, '已被占用'],
  [/^below issued$/, '不能少于已发放数量'],
  [/^no such tier$/, '没有这个等级'],
  [/thresholdFen must be at least valueFen/, '门槛不能低于减免金额'],
  [/^must be 0 for kind/, '该券类型没有门槛'],
  [/^(not used by kind|only for kind)/, '该券类型不使用此项'],
  [/give validDays or validFrom/, '请设置有效期'],
  [/validFrom and validUntil go together/, '请选择起止日期'],
  [/^must be after validFrom$/, '结束日期须晚于开始日期'],
  [/^must be in the future$/, '结束日期须晚于现在'],
  [/join gift template/, '入会礼券不能用于此处'],
  [/latitude and longitude go together/, '经度和纬度须一起填写'],
  [/opensAt and closesAt go together/, '开门和打烊时间须一起填写'],
  [/closesAt must differ from opensAt/, '打烊时间须与开门时间不同'],
  [/must be HH:mm/, '须为 HH:mm，如 08:00'],
  [/^phone must be/, '电话只能是数字和短横线，5–20 位'],
];
export function fieldMessage(text: string): string {
  for (const [pattern, replacement] of PHRASES)
    if (pattern.test(text)) return text.replace(pattern, replacement);
  return text;
}

function fieldErrors(details: unknown): FieldError[] {
  if (!Array.isArray(details)) return [];
  return details.filter(
    (d): d is FieldError =>
      typeof d === 'object' && d !== null && typeof d.field === 'string' && typeof d.message === 'string',
  );
}

/**
 * Shows an API error the way the whole console does: the server's message as a toast and, with a
 * form, each `details` entry on its field. `mapField` renames server fields to form fields (return
 * null for fields the form does not have).
 */
export function showError(
  error: unknown,
  form?: FormInstance,
  mapField: (field: string) => string | NamePath | null = (f) => f,
): void {
  if (!(error instanceof ApiError)) {
    toast.error(error instanceof Error && error.message ? `网络错误：${error.message}` : '网络错误，请重试');
    return;
  }
  if (error.code === SESSION_ENDED) return; // said once, by the session's end
  toast.error(error.message);
  if (!form) return;
  const byField = new Map<string, { name: NamePath; errors: string[] }>();
  for (const { field, message } of fieldErrors(error.details)) {
    const mapped = mapField(field);
    if (mapped === null) continue;
    const name = Array.isArray(mapped) ? mapped : toNamePath(mapped);
    const key = JSON.stringify(name);
    const entry = byField.get(key) ?? { name, errors: [] };
    entry.errors.push(fieldMessage(message));
    byField.set(key, entry);
  }
  if (byField.size) form.setFields([...byField.values()]);
}
