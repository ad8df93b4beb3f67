import type { MessageKind, MessageTemplateSetting } from '@allycard/contracts';
import { DEFAULT_MESSAGE_PAGES, MESSAGE_KINDS } from '@allycard/domain';

/** One kind in the 消息模板 form: on or off, the WeChat template, its page and keyword → field rows. */
export interface KindValues {
  enabled: boolean;
  templateId: string;
  page: string;
  fields: { keyword: string; field: string }[];
}

export type TemplateFormValues = Record<MessageKind, KindValues>;

/** The saved settings as the form shows them: every kind, off when the alliance has no template for it. */
export function toFormValues(items: MessageTemplateSetting[]): TemplateFormValues {
  const values = {} as TemplateFormValues;
  for (const kind of MESSAGE_KINDS) {
    const saved = items.find((i) => i.kind === kind);
    values[kind] = {
      enabled: !!saved,
      templateId: saved?.templateId ?? '',
      page: saved?.page ?? DEFAULT_MESSAGE_PAGES[kind],
      fields: Object.entries(saved?.fields ?? {}).map(([keyword, field]) => ({ keyword, field })),
    };
  }
  return values;
}

/** The PUT body: the kinds switched on, in MESSAGE_KINDS order, empty rows left out. */
export function toRequest(values: TemplateFormValues): { templates: MessageTemplateSetting[] } {
  return {
    templates: MESSAGE_KINDS.filter((kind) => values[kind]?.enabled).map((kind) => {
      const v = values[kind];
      return {
        kind,
        templateId: v.templateId.trim(),
        page: v.page.trim() || DEFAULT_MESSAGE_PAGES[kind],
        fields: Object.fromEntries(
          (v.fields ?? [])
            .filter((r) => r?.keyword?.trim() && r.field)
            .map((r) => [r.keyword.trim(), r.field]),
        ),
      };
    }),
  };
}

/**
 * Where a server error about `templates.<i>.…` belongs in the form: the request listed only the kinds
 * switched on, so index i is the i-th of them; a field error names the keyword's row.
 */
export function errorPath(field: string, values: TemplateFormValues): (string | number)[] | null {
  const m = /^templates\.(\d+)\.(kind|templateId|page|fields)(?:\.(.+))?$/.exec(field);
  if (!m) return null;
  const kind = MESSAGE_KINDS.filter((k) => values[k]?.enabled)[Number(m[1])];
  if (!kind) return null;
  if (m[2] !== 'fields') return [kind, m[2] === 'kind' ? 'templateId' : m[2]];
  const row = (values[kind].fields ?? []).findIndex((r) => r?.keyword?.trim() === m[3]);
  return row >= 0 ? [kind, 'fields', row, 'field'] : [kind, 'templateId'];
}
