/**
 * The baseline download of the benchmarks: plain `http.get` of a list of URLs streamed to files,
 * with no retries, checks, events or renames — what "just fetching the files" costs on this machine.
 */
import { createWriteStream } from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import pLimit from 'p-limit'

/**
 * Downloads every URL into `dir` (file i = `<i>.bin`) with at most `concurrency` at once and
 * returns the wall time in ms and the bytes received.
 *
 * @throws Error on a non-200 answer or a network error.
 */
export async function rawDownload(urls: readonly string[], dir: string, concurrency: number): Promise<{ ms: number; bytes: number }> {
  const limit = pLimit(Math.max(1, concurrency))
  let bytes = 0
  const t0 = performance.now()
  await Promise.all(
    urls.map((url, i) =>
      limit(
        () =>
          new Promise<void>((resolve, reject) => {
            http
              .get(url, (res) => {
                if (res.statusCode !== 200) {
                  res.resume()
                  reject(new Error(`GET ${url} answered ${res.statusCode}`))
                  return
                }
                res.on('data', (c: Buffer) => (bytes += c.length))
                pipeline(res, createWriteStream(path.join(dir, `${i}.bin`))).then(resolve, reject)
              })
              .on('error', reject)
          }),
      ),
    ),
  )
  return { ms: performance.now() - t0, bytes }
}
