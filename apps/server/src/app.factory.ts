import type { ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { completeApiDocument } from './openapi/api-document';
import { createWechatSandbox } from '@allycard/wechat-sandbox';
import compression from 'compression';
import express, { NextFunction, Request, Response } from 'express';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { AppConfig } from './common/config';
import { ErrorEnvelopeFilter, toEnvelope } from './common/error-envelope.filter';
import { docsSecurityPolicy, frontEndPolicy, securityHeaders } from './common/security-headers';
import { rateLimitScale } from './common/throttling';
import { BodyShapePipe, jsonDepthError, validationPipe } from './common/validation';
import { Metrics, metricsHandler } from './metrics/metrics';

export const API_PREFIX = 'api/v1';
const BODY_LIMIT = '64kb';

/** Builds the one process: API, OpenAPI docs, WeChat sandbox (not in production) and the front ends. */
export async function createApp(
  config: AppConfig,
  extraModules: ModuleMetadata['imports'] = [],
): Promise<NestExpressApplication> {
  // The sandbox comes first: in sandbox mode the server's WeChat Pay credentials are its keys.
  const sandbox =
    config.wechat.mode === 'sandbox' && !config.production
      ? createWechatSandbox({
          appid: config.wechat.appid,
          secret: config.wechat.secret,
          publicUrl: config.publicUrl,
          pay: { keyFile: config.sandboxKeyFile, redeliveryScale: config.sandboxRedeliveryScale },
        })
      : null;
  // Payments and redeliveries its state file (beside the key file) left under way go on, but only
  // where this sandbox is the server's WeChat: replicas pointed at another one leave the file alone.
  if (sandbox && config.sandboxOwnsState) sandbox.pay.start();
  if (sandbox) {
    const k = sandbox.pay.keys;
    config.wechatPay = {
      appid: k.appid,
      mchid: k.mchid,
      apiV3Key: k.apiV3Key,
      merchantSerial: k.merchantSerial,
      merchantPrivateKeyPem: k.merchantPrivateKeyPem,
      merchantPublicKeyPem: k.merchantCertificatePem,
      publicKeyId: k.publicKeyId,
      publicKeyPem: k.platformPublicKeyPem,
      // Resolved lazily: tests learn the port only after listen.
      get apiBase() {
        return config.wechat.apiBase;
      },
    };
  }
  rateLimitScale.value = config.rateLimitScale;
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, extraModules), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  // A load balancer (nginx: keepalive_timeout 60 s) reuses idle connections to a replica; with Node's
  // 5 s default the replica closes one just as a request is sent on it, and nginx answers that POST
  // 502. Idle connections outlive the balancer's instead (graceful shutdown closes them anyway).
  const httpServer = app.getHttpServer() as import('node:http').Server;
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  closeConnectionsAsTheyIdle(httpServer);
  if (config.metrics.enabled) {
    // First, so every answer is counted (rate limits and validation errors too), and outside /api/v1.
    const metrics = app.get(Metrics);
    app.use(metrics.middleware());
    (app.getHttpAdapter().getInstance() as express.Express).get('/metrics', metricsHandler(metrics, config));
  }
  app.disable('x-powered-by');
  // Behind a load balancer, client addresses (for per-IP limits) come from X-Forwarded-For.
  app.set('trust proxy', config.trustProxy);
  app.use(securityHeaders(config.production));

  if (sandbox) {
    app.use('/sandbox', sandbox.router);
    app.getHttpServer().once('close', () => sandbox.pay.close());
  }

  // JSON only, size-capped; the raw bytes are kept for WeChat Pay signature checks.
  app.use(
    '/api',
    express.json({
      limit: BODY_LIMIT,
      verify: (req, _res, buf) => {
        (req as Request & { rawBody?: Buffer }).rawBody = buf;
      },
    }),
  );
  // JSON.parse itself takes any depth; everything after it recurses, so the cap comes first.
  app.use('/api', (req: Request, _res: Response, next: NextFunction) => next(jsonDepthError(req.body)));
  // body-parser and depth errors (malformed JSON, too large, too deep) never reach Nest's filters: answer them here.
  app.use('/api', (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!error) return next();
    const { status, body } = toEnvelope(error);
    res.status(status).json(body);
  });

  app.setGlobalPrefix(API_PREFIX);
  app.useGlobalFilters(new ErrorEnvelopeFilter());
  app.useGlobalPipes(new BodyShapePipe(), validationPipe);

  const document = completeApiDocument(
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('allycard API')
        .setDescription(
          '联盟会员卡 — members, staff and alliance admin API. Errors: {"error": {"code", "message", "details"}}.',
        )
        .setVersion('1')
        .addBearerAuth(undefined, 'bearer')
        .build(),
    ),
    `/${API_PREFIX}`,
  );
  app.use('/api/docs', docsSecurityPolicy);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });

  // Gzip above 1 kB: the front ends' bundles above all (the H5 first screen, the console).
  app.use(compression());
  serveFrontEnd(app, '/console', config.staticRoots.console);
  serveFrontEnd(app, '/', config.staticRoots.miniappH5);
  return app;
}

function serveFrontEnd(app: NestExpressApplication, mount: string, dir: string) {
  const index = path.join(dir, 'index.html');
  if (!fs.existsSync(index)) return;
  const policy = frontEndPolicy(fs.readFileSync(index, 'utf8'));
  const files = express.static(dir, { index: 'index.html', maxAge: '1h', setHeaders: noCacheForHtml });
  // API calls never look for a file first.
  app.use(mount, (req: Request, res: Response, next: NextFunction) => {
    if (req.originalUrl.startsWith('/api/')) return next();
    res.setHeader('content-security-policy', policy);
    files(req, res, next);
  });
}

function noCacheForHtml(res: Response, file: string) {
  // The HTML names the hashed bundles: it must never be stale after a deploy.
  if (file.endsWith('.html')) res.setHeader('cache-control', 'no-cache');
}

/**
 * server.close() (app.close(): tests, and the end of graceful shutdown) closes the connections idle at
 * that moment, but one whose request is still running becomes idle later and would hold the close
 * open for the whole 65 s keep-alive: close those too, as they become idle.
 */
function closeConnectionsAsTheyIdle(server: import('node:http').Server): void {
  const close = server.close.bind(server);
  server.close = (callback?: (error?: Error) => void) => {
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    idle.unref();
    return close((error?: Error) => {
      clearInterval(idle);
      callback?.(error);
    });
  };
}
