import { brotliDecompress, gunzip, inflate, inflateRaw } from "node:zlib";
import { promisify } from "node:util";
import { AppError } from "../../domain/errors.js";

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);
const inflateRawAsync = promisify(inflateRaw);
const brotliAsync = promisify(brotliDecompress);

const isTooLarge = (error: unknown) => (error as { code?: string } | null)?.code === "ERR_BUFFER_TOO_LARGE" || error instanceof RangeError;

/** Decodes a body by its Content-Encoding (gzip, deflate, br, identity), never past `maxBytes`. */
export async function decompressBody(body: Buffer, encoding: string | undefined, maxBytes: number): Promise<Buffer> {
  const name = (encoding ?? "identity").trim().toLowerCase();
  if (name === "" || name === "identity") return body;
  const options = { maxOutputLength: maxBytes };
  try {
    if (name === "gzip" || name === "x-gzip") return await gunzipAsync(body, options);
    if (name === "br") return await brotliAsync(body, options);
    if (name === "deflate") {
      // "deflate" is zlib-wrapped by the standard, but some clients send a raw deflate stream.
      try {
        return await inflateAsync(body, options);
      } catch (error) {
        if (isTooLarge(error)) throw error;
        return await inflateRawAsync(body, options);
      }
    }
  } catch (error) {
    if (isTooLarge(error)) {
      throw new AppError("too_large", "payload_too_large", `The decompressed body exceeds ${maxBytes} bytes`);
    }
    throw new AppError("validation", "bad_compression", `The body is not valid ${name} data (Content-Encoding: ${name})`);
  }
  throw new AppError("unsupported", "unsupported_content_encoding", `Content-Encoding "${name}" is not supported (use gzip, deflate or br)`);
}
