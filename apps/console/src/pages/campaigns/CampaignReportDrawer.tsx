import type { Campaign } from '@allycard/contracts';
import { Col, Descriptions, Drawer, Progress, Row, Skeleton, Statistic, Typography } from 'antd';
import { campaignsApi } from '../../api/campaigns';
import { formatFen } from '../../lib/money';
import { useLoad } from '../../lib/useLoad';
import { formatPermille, liftPermille, ratePermille } from './campaignText';

/** 活动报告: the two groups side by side, conversion as bars, spend, cost and the lift. */
export function CampaignReportDrawer({ campaign, onClose }: { campaign: Campaign; onClose: () => void }) {
  const report = useLoad(() => campaignsApi.report(campaign.id), [campaign.id]);
  const r = report.data;
  const targetedRate = r ? ratePermille(r.converted, r.targeted) : 0;
  const holdoutRate = r ? ratePermille(r.holdoutConverted, r.holdout) : 0;
  const lift = r ? liftPermille(r) : null;
  return (
    <Drawer open width={640} title={`活动报告：${campaign.name}`} onClose={onClose}>
      {!r ? (
        <Skeleton active />
      ) : (
        <>
          <Row gutter={[16, 16]}>
            <Col span={8}>
              <Statistic title="目标人数" value={r.targeted} suffix="人" />
            </Col>
            <Col span={8}>
              <Statistic title="已发放" value={r.issued} suffix="人" />
            </Col>
            <Col span={8}>
              <Statistic title="已通知" value={r.messaged} suffix="人" />
            </Col>
            <Col span={8}>
              <Statistic title="转化人数" value={r.converted} suffix="人" />
            </Col>
            <Col span={8}>
              <Statistic title="带来消费" value={formatFen(r.spendFen)} />
            </Col>
            <Col span={8}>
              <Statistic title="活动成本" value={formatFen(r.costFen)} />
            </Col>
          </Row>
          <Typography.Title level={5} style={{ marginTop: 24 }}>
            转化率：目标组 vs 对照组
          </Typography.Title>
          <div role="figure" aria-label="转化率对比">
            <Typography.Text>目标组（{r.targeted} 人）</Typography.Text>
            <Progress percent={targetedRate / 10} format={() => formatPermille(targetedRate)} />
            <Typography.Text>对照组（{r.holdout} 人，未发放）</Typography.Text>
            <Progress
              percent={holdoutRate / 10}
              strokeColor="#bfbfbf"
              format={() => formatPermille(holdoutRate)}
            />
          </div>
          <Descriptions size="small" column={1} bordered style={{ marginTop: 16 }}>
            <Descriptions.Item label="提升">
              {lift === null ? '没有对照组，无法比较' : `${lift >= 0 ? '+' : ''}${formatPermille(lift)}`}
            </Descriptions.Item>
            <Descriptions.Item label="对照组转化">{r.holdoutConverted} 人</Descriptions.Item>
            <Descriptions.Item label="对照组消费">{formatFen(r.holdoutSpendFen)}</Descriptions.Item>
            <Descriptions.Item label="投入产出比">
              {r.costFen > 0 ? `1 : ${(r.spendFen / r.costFen).toFixed(2)}` : '—'}
            </Descriptions.Item>
          </Descriptions>
        </>
      )}
    </Drawer>
  );
}
