/**
 * The app's icons are there for what uses them: electron-builder's icon for each platform (a PNG
 * it converts to .icns and .ico, which needs at least 512×512), and the page's favicon, linked
 * from index.html and copied into the build beside it (browser mode and app:// serve it from there),
 * and the window's own icon, which Linux shows only when the window names one (a dev run has no
 * .desktop file to take it from).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('icons', () => {
  it('electron-builder names a 512×512 or larger PNG for Linux, macOS and Windows', () => {
    const config = readFileSync('electron-builder.yml', 'utf8');
    const icons = [...config.matchAll(/^\s+icon:\s*(\S+)\s*$/gm)].map((match) => match[1]!);
    expect(icons).toHaveLength(3);
    for (const icon of new Set(icons)) {
      const png = readFileSync(icon);
      expect(png.subarray(0, 8).equals(PNG_SIGNATURE), `${icon} is a PNG`).toBe(true);
      expect(png.readUInt32BE(16), `${icon} width`).toBeGreaterThanOrEqual(512);
      expect(png.readUInt32BE(20), `${icon} height`).toBeGreaterThanOrEqual(512);
    }
  });

  it('the page links its favicon, and the build has it beside index.html', () => {
    const source = readFileSync('src/renderer/index.html', 'utf8');
    const href = /<link rel="icon" type="image\/svg\+xml" href="\.\/([^"]+)"/.exec(source)?.[1];
    expect(href).toBe('favicon.svg');
    expect(readFileSync(path.join('src/renderer/public', href!), 'utf8')).toMatch(/^<svg[\s>]/);
    if (!existsSync('out/renderer/index.html')) throw new Error('The built page is missing: run "npm run build" first.');
    expect(readFileSync('out/renderer/index.html', 'utf8')).toContain(`href="./${href}"`);
    expect(readFileSync(path.join('out/renderer', href!))).toEqual(readFileSync(path.join('src/renderer/public', href!)));
  });

  it("the window's icon is the app's, built beside the main bundle", () => {
    if (!existsSync('out/main/index.js')) throw new Error('The built main bundle is missing: run "npm run build" first.');
    const bundle = readFileSync('out/main/index.js', 'utf8');
    const asset = /var (\w+) = \(0, path\.join\)\(__dirname, "\.\/([^"]+\.png)"\);/.exec(bundle);
    expect(asset, 'the icon is an asset of the main bundle').not.toBeNull();
    const [, name, file] = asset!;
    expect(readFileSync(path.join('out/main', file!))).toEqual(readFileSync('build/icon.png'));
    const window = /new electron\.BrowserWindow\(\{([\s\S]*?)webPreferences/.exec(bundle)?.[1];
    expect(window).toContain(`icon: ${name}`);
  });
});
