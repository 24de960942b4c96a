import { promisify } from 'node:util';
import type zlib from 'node:zlib';
import { truncateText } from '../core/truncate.ts';
import { zlibModule } from './lazy-builtins.ts';
import type { TransportFailure } from './transport-error.ts';

// A body sent with a content coding we asked not to get: decoded, so its checks read its text, within
// the same size cap after decoding as before it (a small gzip body can inflate to gigabytes).

type Decoder = (body: Buffer, options: zlib.ZlibOptions | zlib.BrotliOptions) => Promise<Buffer>;

/** The decoders by coding, made when a body first needs one. */
const decoders = (): Record<string, Decoder> => {
  const zlib = zlibModule();
  const gunzip = promisify(zlib.gunzip) as Decoder;
  const inflate = promisify(zlib.inflate) as Decoder;
  const inflateRaw = promisify(zlib.inflateRaw) as Decoder;
  /** `deflate` is zlib-wrapped by the RFC, and sent raw by some servers: read either. */
  const inflateEither: Decoder = (body, options) =>
    inflate(body, options).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'Z_DATA_ERROR') throw error;
      return inflateRaw(body, options);
    });
  return {
    gzip: gunzip,
    'x-gzip': gunzip,
    deflate: inflateEither,
    br: promisify(zlib.brotliDecompress) as Decoder,
  };
};
let made: Record<string, Decoder> | undefined;

/** The content codings the transport decodes. */
export const SUPPORTED_CODINGS: readonly string[] = ['gzip', 'deflate', 'br'];

export type DecodedBody = { body: Buffer; codings: string[] } | { failure: TransportFailure };

/** The codings of a Content-Encoding value, in the order they were applied; `identity` means none. */
export const codingsOf = (contentEncoding: string | undefined): string[] =>
  (contentEncoding ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');

/**
 * `body` with its content codings undone, last applied first, each step cut off past `maxBytes`:
 * a coding we cannot decode, data that does not decode, or an output over the cap is a failure.
 */
export const decodeBody = async (
  body: Buffer,
  contentEncoding: string | undefined,
  maxBytes: number,
): Promise<DecodedBody> => {
  const codings = codingsOf(contentEncoding);
  if (codings.length === 0 || body.length === 0) return { body, codings: [] };
  made ??= decoders();
  const DECODERS = made;
  const unsupported = codings.find((coding) => !Object.hasOwn(DECODERS, coding));
  if (unsupported !== undefined) {
    return {
      failure: {
        kind: 'protocol',
        message: `content-encoding ${JSON.stringify(truncateText(unsupported, 64))} is not supported (the transport decodes ${SUPPORTED_CODINGS.join(', ')})`,
      },
    };
  }
  let decoded = body;
  for (const coding of [...codings].reverse()) {
    try {
      decoded = await (DECODERS[coding] as Decoder)(decoded, { maxOutputLength: maxBytes });
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      if (code === 'ERR_BUFFER_TOO_LARGE') {
        return {
          failure: {
            kind: 'too-large',
            message: `response body exceeded ${maxBytes} bytes when its ${coding} coding was decoded (${body.length} bytes received)`,
          },
        };
      }
      return {
        failure: { kind: 'protocol', message: `${coding}-encoded body does not decode (${message})` },
      };
    }
  }
  return { body: decoded, codings };
};
