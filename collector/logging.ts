/**
 * Logging without addresses: Fastify's request logging is off and its `req` serializer is replaced, so no
 * client address (req.ip, remoteAddress, X-Forwarded-For) can reach a log line. One line per request is
 * written instead with the method, route pattern, status and duration only.
 */
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';

export function createLogger(level = process.env.RAABTA_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { svc: 'collector' } });
}

const safeSerializers = {
  req: (req: { method?: string; routeOptions?: { url?: string } }) => ({
    method: req.method,
    route: req.routeOptions?.url,
  }),
  res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
  err: pino.stdSerializers.err,
};

/** A child of `log` whose serializers can never print an address (used as Fastify's loggerInstance). */
export function addressFreeLogger(log: Logger): Logger {
  return log.child({}, { serializers: safeSerializers });
}

export function installRequestLog(app: FastifyInstance, log: Logger): void {
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const fields = { method: req.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (reply.statusCode >= 500) log.warn(fields, 'request');
    else log.debug(fields, 'request');
  });
}
