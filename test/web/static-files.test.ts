/**
 * The web application's static files: compressed (brotli, else gzip) and cacheable (one release
 * hash in every asset URL, immutable), the pages themselves revalidated. The echarts defect: 1.1 MB
 * served uncompressed and uncached (issue 11). A plain Express app with the same middleware as the
 * real one (serveWebPages), no database.
 */
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { get, Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { ECHARTS_FILE, loadWebRelease, serveWebPages } from '../../src/dashboard/web-pages';

// Express itself (as under Nest), typed here only as far as the test uses it (no @types/express installed).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const express = require('express') as () => { listen(port: number): Server; use: unknown };

const release = loadWebRelease();
const app = express();
serveWebPages(app as unknown as INestApplication, release);
let server: Server;
let port = 0;
beforeAll(async () => {
  server = app.listen(0);
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((done) => server.close(done)));

/** The bytes as sent (supertest would decompress them). */
function rawGet(path: string, acceptEncoding: string): Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get({ port, path, headers: { 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe('static files of the web application', () => {
  it('names every asset of a page under the release hash', async () => {
    const res = await request(server).get('/app').set('Accept-Encoding', 'identity').expect(200);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.text).toContain(`/assets/${release.hash}/shell/main.js`);
    expect(res.text).not.toMatch(/["']\/assets\/(?![0-9a-f]{12}\/)/);
    const dashboard = await request(server).get('/dashboard').set('Accept-Encoding', 'identity').expect(200);
    expect(dashboard.text).toContain(`/assets/${release.hash}/echarts.min.js`);
    expect(dashboard.text).toContain(`/assets/${release.hash}/dashboard/page.js`);
  });

  it('serves echarts with brotli, immutable, at a third of its size or less', async () => {
    const original = readFileSync(ECHARTS_FILE);
    expect(original.length).toBeGreaterThan(1_000_000);
    const res = await rawGet(`/assets/${release.hash}/echarts.min.js`, 'gzip, deflate, br');
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const body = res.body;
    expect(body.length).toBeLessThan(original.length / 3);
    expect(brotliDecompressSync(body).equals(original)).toBe(true);
  });

  it('falls back to gzip, and to the plain file, as the browser accepts', async () => {
    const gz = await rawGet(`/assets/${release.hash}/shell/core.js`, 'gzip, br;q=0');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString('utf8')).toContain('export async function api');
    const plain = await request(server).get(`/assets/${release.hash}/shell/core.js`).set('Accept-Encoding', 'identity').expect(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.text).toContain('export async function api');
  });

  it('answers 304 to a revalidation, and serves an unhashed URL revalidated, never immutable', async () => {
    const res = await request(server).get('/app').set('If-None-Match', `"${release.hash}"`).expect(304);
    expect(res.text ?? '').toBe('');
    const unhashed = await request(server).get('/assets/shell/style.css').set('Accept-Encoding', 'identity').expect(200);
    expect(unhashed.headers['cache-control']).toBe('no-cache');
    await request(server).get(`/assets/${release.hash}/no-such-file.js`).expect(404);
    await request(server).get(`/assets/${release.hash}/../package.json`).expect(404);
  });
});
