import { Alert, Col, Row } from 'antd';
import { useSession } from '../../auth';
import { PolicyCard } from './PolicyCard';
import { TiersCard } from './TiersCard';

export default function PointsPage() {
  const session = useSession();
  const editable = session.role === 'alliance_admin';
  return (
    <>
      {!editable && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          message="积分规则与会员等级由联盟统一设置，商户管理员仅可查看。"
        />
      )}
      <Row gutter={16} align="top">
        <Col xs={24} xxl={8} xl={9}>
          <PolicyCard editable={editable} />
        </Col>
        <Col xs={24} xxl={16} xl={15}>
          <TiersCard editable={editable} />
        </Col>
      </Row>
    </>
  );
}
