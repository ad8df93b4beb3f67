import { Router } from 'express';
import { encryptResource, formatWechatTime } from './crypto';
import type { PayCredentials } from './keys';
import { v3Route } from './v3';

/**
 * GET /v3/certificates: the platform certificate, its PEM encrypted with the APIv3 key
 * (associated_data "certificate"). Served in both platform modes; the sandbox holds both forms.
 */
export function certificatesRouter(credentials: PayCredentials, now: () => number): Router {
  const router = Router();
  router.get(
    '/v3/certificates',
    v3Route(credentials, now, () => {
      const material = credentials.material;
      const certificate = credentials.platformCertificate;
      const encrypted = encryptResource(material.apiV3Key, material.platformCertificatePem, 'certificate');
      return {
        status: 200,
        body: {
          data: [
            {
              serial_no: material.platformSerial,
              effective_time: formatWechatTime(Date.parse(certificate.validFrom)),
              expire_time: formatWechatTime(Date.parse(certificate.validTo)),
              encrypt_certificate: {
                algorithm: encrypted.algorithm,
                nonce: encrypted.nonce,
                associated_data: encrypted.associated_data,
                ciphertext: encrypted.ciphertext,
              },
            },
          ],
        },
      };
    }),
  );
  return router;
}
