import busboy from 'busboy';
import { jsonParseError, multipartParseError } from '../common/messages.js';
import { mediaTypeMatches, parseHeader } from './media-type.js';
import { parsePythonJson, PyJsonError } from './python-json.js';

/**
 * A request body read as djangorestframework reads it (`Request._parse` with the default
 * JSONParser, FormParser and MultiPartParser, over Django's QueryDict and MultiPartParser),
 * from the bytes the client sent: the same data, the same refusals, on both HTTP adapters.
 */

/** Where the data came from: form values may be repeated, and then the last one counts. */
export type BodySource = 'json' | 'form';

/** A file part of a multipart body: DRF puts it among the data, where CharField refuses it. */
export class UploadedFile {
  constructor(readonly name: string) {}
}

export type ParsedBody =
  | { kind: 'data'; data: unknown; source: BodySource }
  | { kind: 'unsupported'; contentType: string }
  | { kind: 'parse-error'; message: string }
  | { kind: 'too-many-fields' }
  | { kind: 'too-large' };

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const MULTIPART_TYPE = 'multipart/form-data';
/** DRF's default parsers, in the order it tries them. */
const PARSERS = [JSON_TYPE, FORM_TYPE, MULTIPART_TYPE] as const;

/** Django's DATA_UPLOAD_MAX_NUMBER_FIELDS. */
export const MAX_FORM_FIELDS = 1000;

/**
 * Bounds for multipart bodies. A body that reaches any of them (a field of 64 KiB or more, more
 * than 20 parts) is refused with 413: a truncated or dropped field must never be read as a
 * shorter login.
 */
const MULTIPART_LIMITS = { fields: 20, fieldSize: 64 * 1024, files: 20, parts: 20 };

/**
 * `Request._parse`: an empty body is empty data whatever its type; otherwise the first parser
 * whose media type matches the Content-Type (`""` when none was sent) reads it, and a type none
 * matches is a 415.
 */
export async function parseDrfBody(bytes: Buffer, contentType: string | undefined): Promise<ParsedBody> {
  const sent = contentType ?? '';
  if (bytes.length === 0) return { kind: 'data', data: {}, source: 'json' };
  const parser = PARSERS.find((type) => mediaTypeMatches(type, sent));
  const charset = codecOf(parseHeader(sent).params.get('charset'));
  switch (parser) {
    case JSON_TYPE:
      return parseJson(bytes, charset);
    case FORM_TYPE:
      return parseForm(bytes, charset);
    case MULTIPART_TYPE:
      return parseMultipart(bytes, sent);
    default:
      return { kind: 'unsupported', contentType: sent };
  }
}

/** DRF's JSONParser: decoded with the request's charset, then Python's json. */
function parseJson(bytes: Buffer, codec: Codec): ParsedBody {
  try {
    return { kind: 'data', data: parsePythonJson(decodeStream(bytes, codec)), source: 'json' };
  } catch (error) {
    if (!(error instanceof PyJsonError)) throw error;
    return { kind: 'parse-error', message: jsonParseError(error.message) };
  }
}

/**
 * DRF's FormParser: Django's QueryDict over Python's `parse_qsl` (fields split on `&` only,
 * blank values kept, `+` and percent escapes decoded with errors replaced). More than 1,000
 * fields is Django's TooManyFieldsSent.
 */
function parseForm(bytes: Buffer, codec: Codec): ParsedBody {
  const text = decodeStrict(bytes, codec) ?? bytes.toString('latin1');
  if (1 + countOf(text, '&') > MAX_FORM_FIELDS) return { kind: 'too-many-fields' };
  const data: Record<string, string[]> = Object.create(null);
  for (const field of text.split('&')) {
    if (field === '') continue;
    const equals = field.indexOf('=');
    const [name, value] = equals < 0 ? [field, ''] : [field.slice(0, equals), field.slice(equals + 1)];
    (data[unquote(name.replaceAll('+', ' '), codec)] ??= []).push(unquote(value.replaceAll('+', ' '), codec));
  }
  return { kind: 'data', data, source: 'form' };
}

function countOf(text: string, char: string): number {
  let count = 0;
  for (let i = text.indexOf(char); i >= 0; i = text.indexOf(char, i + 1)) count++;
  return count;
}

/** Python's `urllib.parse.unquote(..., errors='replace')`: escapes in ASCII runs become bytes. */
function unquote(text: string, codec: Codec): string {
  if (!text.includes('%')) return text;
  return text.replace(/[^\u0080-\uffff]+/g, (ascii) => {
    const bytes: number[] = [];
    const parts = ascii.split('%');
    for (const char of parts[0]) bytes.push(char.charCodeAt(0));
    for (const part of parts.slice(1)) {
      const hex = part.slice(0, 2);
      const escaped = /^[0-9a-fA-F]{2}$/.test(hex);
      if (escaped) bytes.push(parseInt(hex, 16));
      else bytes.push(0x25);
      for (const char of escaped ? part.slice(2) : part) bytes.push(char.charCodeAt(0));
    }
    return decodeReplacing(Buffer.from(bytes), codec);
  });
}

/**
 * DRF's MultiPartParser over Django's: the Content-Type must start with `multipart/` and name a
 * valid boundary (else a parse error in Django's words); fields are kept (the last of repeated
 * ones counts), and file parts follow them under their names, where CharField refuses them.
 */
async function parseMultipart(bytes: Buffer, contentType: string): Promise<ParsedBody> {
  const refused = (reason: string): ParsedBody => ({ kind: 'parse-error', message: multipartParseError(reason) });
  if (!contentType.startsWith('multipart/')) return refused(`Invalid Content-Type: ${contentType}`);
  if (/[\u0080-\uffff]/.test(contentType)) {
    return refused(`Invalid non-ASCII Content-Type in multipart: ${contentType}`);
  }
  const boundary = parseHeader(contentType).params.get('boundary');
  if (boundary === undefined || !/^[ -~]{0,200}[!-~]$/.test(boundary)) {
    return refused(`Invalid boundary in multipart: ${boundary ?? 'None'}`);
  }
  const parts = await multipartParts(bytes, boundary);
  if (parts === 'too-large') return { kind: 'too-large' };
  const data: Record<string, (string | UploadedFile)[]> = Object.create(null);
  for (const [name, value] of parts.fields) (data[name] ??= []).push(value);
  for (const file of parts.files) (data[file.name] ??= []).push(file);
  return { kind: 'data', data, source: 'form' };
}

/** The parts of a multipart body (busboy); a body that is not multipart has none. */
function multipartParts(
  bytes: Buffer,
  boundary: string,
): Promise<{ fields: [string, string][]; files: UploadedFile[] } | 'too-large'> {
  return new Promise((resolve) => {
    const fields: [string, string][] = [];
    const files: UploadedFile[] = [];
    let overLimit = false;
    const done = () => resolve(overLimit ? 'too-large' : { fields, files });
    let parser: busboy.Busboy;
    try {
      const quoted = `"${boundary.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
      parser = busboy({
        headers: { 'content-type': `multipart/form-data; boundary=${quoted}` },
        limits: MULTIPART_LIMITS,
      });
    } catch {
      done();
      return;
    }
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated || info.nameTruncated) overLimit = true;
      else fields.push([name, value]);
    });
    parser.on('file', (name, stream) => {
      files.push(new UploadedFile(name));
      stream.resume();
    });
    for (const limit of ['fieldsLimit', 'filesLimit', 'partsLimit'] as const)
      parser.on(limit, () => (overLimit = true));
    parser.on('close', done);
    parser.on('error', done);
    parser.end(bytes);
  });
}

/** The text codecs a charset parameter may name; any other charset reads as UTF-8. */
type Codec = 'utf-8' | 'latin-1' | 'ascii';

const CODEC_NAMES: Record<string, Codec> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  u8: 'utf-8',
  utf: 'utf-8',
  'latin-1': 'latin-1',
  latin1: 'latin-1',
  latin: 'latin-1',
  l1: 'latin-1',
  'iso-8859-1': 'latin-1',
  'iso8859-1': 'latin-1',
  '8859': 'latin-1',
  cp819: 'latin-1',
  ascii: 'ascii',
  'us-ascii': 'ascii',
  '646': 'ascii',
};

function codecOf(charset: string | undefined): Codec {
  return CODEC_NAMES[(charset ?? '').trim().toLowerCase().replaceAll('_', '-')] ?? 'utf-8';
}

/** `bytes.decode(codec)`, or undefined when the bytes are not in it. */
function decodeStrict(bytes: Buffer, codec: Codec): string | undefined {
  if (codec === 'latin-1') return bytes.toString('latin1');
  if (codec === 'ascii') return bytes.every((byte) => byte < 0x80) ? bytes.toString('latin1') : undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** `bytes.decode(codec, errors='replace')`. */
function decodeReplacing(bytes: Buffer, codec: Codec): string {
  if (codec === 'latin-1') return bytes.toString('latin1');
  if (codec === 'ascii')
    return Array.from(bytes, (byte) => (byte < 0x80 ? String.fromCharCode(byte) : '\ufffd')).join('');
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
}

/**
 * What `codecs.getreader(codec)(stream).read()` gives: the text, or Python's UnicodeDecodeError
 * (a ValueError, so a JSON parse error). Like Python's stream reader, an incomplete UTF-8
 * sequence at the very end is dropped, not refused.
 */
function decodeStream(bytes: Buffer, codec: Codec): string {
  if (codec === 'latin-1') return bytes.toString('latin1');
  if (codec === 'ascii') {
    const bad = bytes.findIndex((byte) => byte >= 0x80);
    if (bad >= 0) throw decodeError('ascii', bytes, bad, bad + 1, 'ordinal not in range(128)');
    return bytes.toString('latin1');
  }
  const end = utf8ValidEnd(bytes);
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(0, end));
}

function decodeError(codec: string, bytes: Buffer, start: number, end: number, reason: string): PyJsonError {
  const where =
    end - start === 1
      ? `byte 0x${bytes[start].toString(16).padStart(2, '0')} in position ${start}`
      : `bytes in position ${start}-${end - 1}`;
  return new PyJsonError(`'${codec}' codec can't decode ${where}: ${reason}`);
}

const isContinuation = (byte: number | undefined): boolean => byte !== undefined && (byte & 0xc0) === 0x80;

/**
 * CPython's UTF-8 decoder (non-final): the length of the decodable prefix, or the error it
 * raises at the first invalid sequence ("invalid start byte", "invalid continuation byte").
 */
function utf8ValidEnd(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    if (lead < 0x80) {
      i++;
      continue;
    }
    const length = lead < 0xc2 ? 0 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : lead < 0xf5 ? 4 : 0;
    if (length === 0) throw decodeError('utf-8', bytes, i, i + 1, 'invalid start byte');
    // The second byte's range is narrower after E0, ED, F0 and F4 (no overlong forms, surrogates or > U+10FFFF).
    const second = bytes[i + 1];
    const [low, high] =
      lead === 0xe0
        ? [0xa0, 0xbf]
        : lead === 0xed
          ? [0x80, 0x9f]
          : lead === 0xf0
            ? [0x90, 0xbf]
            : lead === 0xf4
              ? [0x80, 0x8f]
              : [0x80, 0xbf];
    for (let k = 1; k < length; k++) {
      if (i + k >= bytes.length) return i; // incomplete at the end: kept back, never decoded
      const byte = bytes[i + k];
      const valid = k === 1 ? second >= low && second <= high : isContinuation(byte);
      if (!valid) throw decodeError('utf-8', bytes, i, i + k, 'invalid continuation byte');
    }
    i += length;
  }
  return i;
}
