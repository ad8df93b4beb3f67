import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { MessageTemplatesAnswer, MessageTemplateSetting } from '@allycard/contracts';
import {
  DEFAULT_MESSAGE_PAGES,
  fieldMappingProblems,
  MESSAGE_KINDS,
  type MessageKind,
} from '@allycard/domain';
import { EntityManager, In, Not, Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { validationFailed } from '../common/errors';
import { TransactionRunner } from '../common/transactions';
import { MessageTemplate } from './message.entities';

/** A mini-program page path as WeChat's `page` takes it: no leading slash, an optional query. */
const PAGE_PATTERN = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*(\?[A-Za-z0-9_=&%.-]*)?$/;

/** The alliance's 消息模板 settings: per kind, the WeChat template, the page it opens, the field mapping. */
@Injectable()
export class MessageTemplatesService {
  constructor(
    @InjectRepository(MessageTemplate) private readonly templates: Repository<MessageTemplate>,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  async list(allianceId: string): Promise<MessageTemplatesAnswer> {
    const rows = await this.templates.find({ where: { allianceId }, order: { kind: 'ASC' } });
    return { items: rows.map(toSetting) };
  }

  /** Replaces the alliance's settings: kinds not listed are removed (their messages stop). */
  async replace(allianceId: string, settings: MessageTemplateSetting[]): Promise<MessageTemplatesAnswer> {
    const problems = settings.flatMap((s, i) => {
      const at = `templates.${i}`;
      const found: { field: string; message: string }[] = [];
      if (!MESSAGE_KINDS.includes(s.kind as MessageKind))
        return [{ field: `${at}.kind`, message: `kind must be one of ${MESSAGE_KINDS.join(', ')}` }];
      if (settings.findIndex((o) => o.kind === s.kind) !== i)
        found.push({ field: `${at}.kind`, message: `${s.kind} 重复配置` });
      if (s.page !== undefined && !PAGE_PATTERN.test(s.page))
        found.push({ field: `${at}.page`, message: '页面路径须为小程序页面，如 coupon/mine/index' });
      for (const [keyword, field] of Object.entries(s.fields ?? {})) {
        if (typeof field !== 'string')
          found.push({ field: `${at}.fields.${keyword}`, message: '字段须为文本' });
        else
          for (const message of fieldMappingProblems(s.kind as MessageKind, { [keyword]: field }))
            found.push({ field: `${at}.fields.${keyword}`, message });
      }
      return found;
    });
    if (problems.length) throw validationFailed(problems, '消息模板配置有误');

    const now = this.clock.now();
    await this.tx.run(async (em) => {
      const kinds = settings.map((s) => s.kind);
      await em.delete(MessageTemplate, { allianceId, ...(kinds.length && { kind: Not(In(kinds)) }) });
      for (const s of settings) {
        const values = {
          templateId: s.templateId,
          page: s.page ?? DEFAULT_MESSAGE_PAGES[s.kind as MessageKind],
          fields: JSON.stringify(s.fields ?? {}),
          updatedAt: now,
        };
        const updated = await em.update(MessageTemplate, { allianceId, kind: s.kind as MessageKind }, values);
        if (!updated.affected)
          await em
            .createQueryBuilder()
            .insert()
            .into(MessageTemplate)
            .values({ allianceId, kind: s.kind as MessageKind, ...values })
            .orUpdate(['template_id', 'page', 'fields', 'updated_at'], ['alliance_id', 'kind'])
            .execute();
      }
    });
    return this.list(allianceId);
  }

  /** The alliance's template for a kind of message, or null when it sends none of that kind. */
  async forKind(allianceId: string, kind: MessageKind, em?: EntityManager): Promise<MessageTemplate | null> {
    return (em?.getRepository(MessageTemplate) ?? this.templates).findOneBy({ allianceId, kind });
  }

  /** Every WeChat template id the alliance uses (what a member may subscribe to). */
  async templateIds(allianceId: string): Promise<MessageTemplate[]> {
    return this.templates.find({ where: { allianceId }, order: { kind: 'ASC' } });
  }
}

export function toSetting(row: MessageTemplate): Required<MessageTemplateSetting> {
  return {
    kind: row.kind,
    templateId: row.templateId,
    page: row.page,
    fields: JSON.parse(row.fields) as Record<string, string>,
  };
}
