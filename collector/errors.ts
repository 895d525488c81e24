/** Stable error codes and the one error shape: `{ error: { code, message } }`. */
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { StorageInputError } from './storage/types.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** extra top-level fields of the body (e.g. per-item upload results) */
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

/** Fastify's own errors → our codes. */
const FASTIFY_CODES: Record<string, [number, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'body_too_large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'bad_request'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'bad_json'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'bad_json'],
};

export function installErrorHandler(
  app: FastifyInstance,
  log: Logger,
  onError: (code: string) => void,
): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    let status = 500;
    let code = 'internal_error';
    let message = 'internal error';
    let extra: Record<string, unknown> | undefined;
    if (err instanceof ApiError) {
      ({ status, code, message, extra } = err);
    } else if (err instanceof StorageInputError) {
      status = 400;
      code = err.code;
      message = err.message;
    } else if (err.validation) {
      status = 400;
      code = 'invalid_request';
      const v = err.validation[0];
      const where = `${err.validationContext ?? 'request'}${v?.instancePath ?? ''}`;
      if (v?.keyword === 'additionalProperties') {
        message = `${where}: unknown field "${(v.params as { additionalProperty: string }).additionalProperty}"`;
      } else if (v?.keyword === 'required') {
        message = `${where}: missing required field "${(v.params as { missingProperty: string }).missingProperty}"`;
      } else message = `${where}: ${v?.message ?? 'invalid'}`;
    } else if (err.code && FASTIFY_CODES[err.code]) {
      [status, code] = FASTIFY_CODES[err.code];
      message = err.message;
    } else if (err instanceof SyntaxError) {
      status = 400;
      code = 'bad_json';
      message = `body: invalid JSON (${err.message})`;
    } else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      status = err.statusCode;
      code = 'bad_request';
      message = err.message;
    }
    if (status >= 500) log.error({ err, route: req.routeOptions.url }, 'request failed');
    onError(code);
    reply
      .code(status)
      .type('application/json')
      .send({ ...extra, ...errorBody(code, message) });
  });
}
